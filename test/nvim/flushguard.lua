-- Headless Neovim (0.7+) against flushguard-language-server, with the built-in LSP client only:
-- push diagnostics with the settings Neovim sends, the flush quick fix, an edit that brings the
-- finding back, hover, and the Simulate code lens. Exit 0 = pass, cquit 1 = fail.
-- Usage: FG_SERVER=bin/flushguard-language-server.js FG_FILE=/tmp/x/demo.c \
--        nvim --headless --clean -c 'luafile test/nvim/flushguard.lua'
local server = assert(os.getenv('FG_SERVER'), 'FG_SERVER not set')
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

local client_id = vim.lsp.start_client({
  name = 'flushguard',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  settings = { flushguard = { rules = { [RULE] = { severity = 'error' } } } },
  -- Neovim 0.7 neither announces workspace/configuration nor sends the settings by itself
  -- (nvim-lspconfig does this on_init): send them the way lspconfig does.
  on_init = function(client)
    client.notify('workspace/didChangeConfiguration', { settings = client.config.settings })
  end,
})
if not client_id then return fail('start_client failed') end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local bufnr = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(bufnr, client_id)

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
if not lsp.relatedInformation or #lsp.relatedInformation ~= 4 then return fail('path steps missing') end

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

-- 5. the Simulate code lens, and the request behind it
local lenses = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeLens', { textDocument = vim.lsp.util.make_text_document_params(bufnr) }, 5000)
local lens
for _, res in pairs(lenses or {}) do
  for _, l in ipairs(res.result or {}) do lens = l end
end
if not lens or lens.command.title ~= 'Simulate' then return fail('no Simulate lens') end
-- What vim.lsp.codelens.run() does with it: workspace/executeCommand, which the server offers.
local provider = vim.lsp.get_client_by_id(client_id).server_capabilities.executeCommandProvider
if not provider or not vim.tbl_contains(provider.commands, lens.command.command) then
  return fail('the server does not offer ' .. lens.command.command)
end
local sim = vim.lsp.buf_request_sync(bufnr, 'workspace/executeCommand', lens.command, 10000)
local payload
for _, res in pairs(sim or {}) do payload = res.result end
if not payload or payload.source.rule ~= RULE then return fail('simulate gave no payload') end
log('simulated on ' .. payload.preset .. '; PASS')

vim.lsp.stop_client(client_id)
vim.wait(3000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 10)
vim.cmd('qall!')
