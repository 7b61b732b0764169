/**
 * Fuzz cases fed to the built language server (dist/server.js) as edits of one open document:
 * the server must stay up, answer with diagnostics for the version it was sent, and keep every
 * range inside the text. Returns the problem, or undefined.
 */
import { LspProcess } from '../../test/robustness/lspProcess';

const URI = 'file:///fuzz/case.c';

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

interface Published {
  uri: string;
  version?: number;
  diagnostics: {
    range: Range;
    relatedInformation?: { location: { uri: string; range: Range } }[];
  }[];
}

export class LspFeed {
  private server: LspProcess | undefined;
  private version = 0;
  restarts = 0;

  /**
   * The server runs with the fuzzer's budget (initializationOptions.budgetMs) and must answer
   * within it plus a margin: a longer wait is a real hang, not the server's own budget running out.
   */
  private readonly watchdogMs: number;

  constructor(private readonly budgetMs: number) {
    this.watchdogMs = 2 * budgetMs + 10_000;
  }

  async feed(text: string): Promise<string | undefined> {
    if (!this.server || this.server.exited) {
      if (this.server) this.restarts++;
      this.server = await LspProcess.start({ debounceMs: 0, budgetMs: this.budgetMs });
      this.version = 0;
    }
    const s = this.server;
    const from = s.received.length;
    this.version++;
    if (this.version === 1)
      s.notify('textDocument/didOpen', {
        textDocument: { uri: URI, languageId: 'c', version: 1, text },
      });
    else
      s.notify('textDocument/didChange', {
        textDocument: { uri: URI, version: this.version },
        contentChanges: [{ text }],
      });
    const version = this.version;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), this.watchdogMs)),
    );
    let published;
    try {
      published = await Promise.race([
        s.waitFor(
          (m) =>
            m.method === 'textDocument/publishDiagnostics' &&
            (m.params as Published).version === version,
          from,
        ),
        timeout,
      ]);
    } catch (e) {
      return `lsp crash: ${(e as Error).message}; stderr: ${s.stderr.slice(-300)}`;
    } finally {
      clearTimeout(timer);
    }
    if (published === 'timeout') {
      s.proc.kill();
      this.server = undefined;
      return `lsp hang: no diagnostics for version ${version} after ${this.watchdogMs} ms`;
    }
    // LSP counts \r\n, \r and \n as line ends (a lone \r too, as editors do).
    const lines = text.split(/\r\n|\r|\n/);
    const inText = (r: Range): boolean => {
      const ok = (p: { line: number; character: number }): boolean =>
        p.line >= 0 &&
        p.line < lines.length &&
        p.character >= 0 &&
        p.character <= lines[p.line]!.length;
      return ok(r.start) && ok(r.end);
    };
    for (const d of (published.params as Published).diagnostics) {
      if (!inText(d.range)) return `lsp out of range: diagnostic at ${JSON.stringify(d.range)}`;
      for (const r of d.relatedInformation ?? [])
        if (r.location.uri === URI && !inText(r.location.range))
          return `lsp out of range: related information at ${JSON.stringify(r.location.range)}`;
    }
    const errors = s.received
      .slice(from)
      .filter((m) => m.method === 'window/logMessage' && (m.params as { type: number }).type === 1);
    if (errors.length > 0)
      return `lsp error logged: ${JSON.stringify(errors[0]!.params).slice(0, 300)}`;
    return undefined;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
  }
}
