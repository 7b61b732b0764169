-- Headless Neovim (0.7+) against flushguard-language-server, through the configuration of the
-- README's Editors section (run.sh passes it as init.lua): push diagnostics with the settings it
-- sends, the flush quick fix, an edit that brings the finding back, hover with the simulated
-- verdict, :FlushGuardSimulate opening the text trace, :FlushGuardCheckWorkspace.
-- Exit 0 = pass, cquit 1 = fail. Usage: bash test/nvim/run.sh
local file = vim.fn.fnamemodify(assert(os.getenv('FG_FILE'), 'FG_FILE not set'), ':p')
local t0 = vim.loop.hrtime()
local function log(...)
  io.stdout:write(string.format('[%5.0fms] ', (vim.loop.hrtime() - t0) / 1e6), table.concat({ ... }, ' '), '\n')
end
local function fail(msg)
  log('FAIL: ' .. msg)
  vim.cmd('cquit 1')
end
local RULE = 'missing-flush-dcache-page'

local messages = {}
local show_message = vim.lsp.handlers['window/showMessage']
vim.lsp.handlers['window/showMessage'] = function(err, result, ctx, config)
  table.insert(messages, result.message)
  return show_message(err, result, ctx, config)
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
local client_id
if not vim.wait(10000, function()
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == 'flushguard' then client_id = c.id end
  end
  return client_id ~= nil
end, 10) then
  return fail('the README configuration attached no flushguard client')
end

local function ours()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'flushguard' then table.insert(out, d) end
  end
  return out
end

-- 1. the finding, with the severity from the settings Neovim sent
if not vim.wait(20000, function() return #ours() == 1 and ours()[1].severity == vim.diagnostic.severity.ERROR end, 10) then
  for _, x in ipairs(ours()) do log('got severity ' .. x.severity) end
  return fail('expected 1 error diagnostic within 20s, got ' .. #ours())
end
local d = ours()[1]
log(string.format('diagnostic %d:%d [%s] severity %d', d.lnum + 1, d.col + 1, tostring(d.code), d.severity))
if d.code ~= RULE or d.lnum ~= 7 then return fail('wrong diagnostic') end
if d.severity ~= vim.diagnostic.severity.ERROR then return fail('severity from settings not applied') end
local lsp = d.user_data and d.user_data.lsp or {}
-- the premise (origin), then map, write, unmap and the end of the function
if not lsp.relatedInformation or #lsp.relatedInformation ~= 5 then return fail("path steps missing: got " .. #(lsp.relatedInformation or {})) end

-- 2. the quick fix inserting flush_dcache_page(page)
local params = {
  textDocument = vim.lsp.util.make_text_document_params(bufnr),
  range = { start = { line = 7, character = 1 }, ['end'] = { line = 7, character = 1 } },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, 7) },
}
local results = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 5000)
local action
for _, res in pairs(results or {}) do
  for _, a in ipairs(res.result or {}) do
    log('code action: ' .. a.title .. ' (' .. tostring(a.kind) .. ')')
    if a.title == 'Insert flush_dcache_page(page);' then action = a end
  end
end
if not action or action.kind ~= 'quickfix' then return fail('no flush quick fix') end
vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
if not vim.wait(5000, function() return #ours() == 0 end, 10) then
  return fail('diagnostic still present after the quick fix')
end
log('after the fix: 0 diagnostics')

-- 3. an edit (didChange) that removes the flush again brings the finding back
local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
for i, l in ipairs(lines) do
  if l:match('^%s*flush_dcache_page%(page%);$') then
    vim.api.nvim_buf_set_lines(bufnr, i - 1, i, false, {})
    break
  end
end
if not vim.wait(5000, function() return #ours() == 1 end, 10) then
  return fail('finding did not come back after the edit')
end
log('after removing the flush: 1 diagnostic')

-- 4. hover on a cache API
lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
local row
for i, l in ipairs(lines) do
  if l:match('kunmap_local') then row = i - 1 end
end
local hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', {
  textDocument = vim.lsp.util.make_text_document_params(bufnr),
  position = { line = row, character = 3 },
}, 5000)
local text = ''
for _, res in pairs(hover or {}) do
  if res.result then text = res.result.contents.value end
end
if not text:match('kunmap_local') or not text:match('docs%.kernel%.org') then return fail('hover: ' .. text) end
log('hover: ' .. text:sub(1, 60))

-- 5. the hover on the finding gives the simulated verdict in words
hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', {
  textDocument = vim.lsp.util.make_text_document_params(bufnr),
  position = { line = 7, character = 2 },
}, 10000)
text = ''
for _, res in pairs(hover or {}) do
  if res.result then text = res.result.contents.value end
end
if not text:match('Simulated:%*%* As written, user space reads `') then return fail('hover verdict: ' .. text) end
log('hover verdict: ' .. text:match('Simulated:%*%* ([^\n]*)'):sub(1, 70))

-- 6. :FlushGuardSimulate on the finding's line: the lens runs, the trace opens in a window
vim.lsp.codelens.refresh()
if not vim.wait(10000, function() return #vim.lsp.codelens.get(bufnr) > 0 end, 10) then
  return fail('no code lens')
end
vim.api.nvim_win_set_cursor(0, { 8, 1 })
vim.cmd('FlushGuardSimulate')
local trace
if not vim.wait(20000, function()
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_get_name(b):match('flushguard://simulation/') then trace = b end
  end
  return trace ~= nil
end, 10) then
  return fail('the simulation trace did not open')
end
local trace_text = table.concat(vim.api.nvim_buf_get_lines(trace, 0, -1, false), '\n')
if not trace_text:match('Summary: corrupted as written, correct with the fix%.') then
  return fail('trace: ' .. trace_text:sub(1, 200))
end
if vim.bo[trace].modifiable then return fail('the trace buffer is modifiable') end
log('trace opened: ' .. #vim.api.nvim_buf_get_lines(trace, 0, -1, false) .. ' lines')

-- 7. :FlushGuardCheckWorkspace (execute_command without arguments) reports the count
vim.cmd('wincmd p')
vim.cmd('FlushGuardCheckWorkspace')
if not vim.wait(20000, function()
  for _, m in ipairs(messages) do
    if m:match('1 finding%(s%) in 1 file%(s%); 1 C files checked') then return true end
  end
  return false
end, 10) then
  return fail('no workspace check message; got: ' .. table.concat(messages, ' | '))
end
log('workspace check: ' .. messages[#messages] .. '; PASS')

vim.lsp.stop_client(client_id)
vim.wait(3000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 10)
vim.cmd('qall!')
