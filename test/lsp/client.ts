/**
 * A JSON-RPC client for protocol tests: starts the language server over stdio (from source, with
 * tsx; or a given command), answers the server's requests the way an editor would, and lets a
 * test wait for the notifications it expects (never a fixed sleep).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type { ProtocolConnection } from 'vscode-languageserver-protocol/node';
import type {
  ClientCapabilities,
  Diagnostic,
  PublishDiagnosticsParams,
  TextDocumentContentChangeEvent,
  TextEdit,
} from 'vscode-languageserver-protocol';

const ROOT = join(__dirname, '..', '..');

export interface StartOptions {
  rootPath: string;
  pull?: boolean;
  /** Announce `workspace/diagnostic/refresh` support (with pull). */
  refresh?: boolean;
  /** What `workspace/configuration` answers for the `flushguard` section; undefined: no such capability. */
  settings?: Record<string, unknown> | null;
  initializationOptions?: Record<string, unknown>;
  command?: string[];
  timeoutMs?: number;
}

interface Waiter<T> {
  test: (v: T) => boolean;
  resolve: (v: T) => void;
}

export class LspClient {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly messages: { type: number; message: string }[] = [];
  readonly progress: unknown[] = [];
  readonly progressTokens: (string | number)[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  settings: Record<string, unknown> | null;
  private readonly waiters: Waiter<{ method: string; params: unknown }>[] = [];
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  stderr = '';

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    private readonly timeoutMs: number,
    settings: Record<string, unknown> | null,
  ) {
    this.settings = settings;
  }

  static async start(o: StartOptions): Promise<LspClient> {
    const command = o.command ?? [
      process.execPath,
      '--import',
      'tsx',
      join(ROOT, 'server/src/lsp/main.ts'),
      '--stdio',
    ];
    const child = spawn(command[0]!, command.slice(1), {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const client = new LspClient(
      child,
      connection,
      o.timeoutMs ?? 20_000,
      o.settings === undefined ? null : o.settings,
    );
    child.stderr.on('data', (b: Buffer) => (client.stderr += b.toString()));
    client.listen();
    connection.listen();
    const capabilities: ClientCapabilities = {
      workspace: {
        configuration: o.settings !== undefined,
        didChangeConfiguration: { dynamicRegistration: false },
        ...(o.refresh ? { diagnostics: { refreshSupport: true } } : {}),
      },
      window: { workDoneProgress: true },
      textDocument: {
        publishDiagnostics: {
          relatedInformation: true,
          versionSupport: true,
          codeDescriptionSupport: true,
          dataSupport: true,
        },
        codeAction: {
          codeActionLiteralSupport: {
            codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite', 'source'] },
          },
        },
        ...(o.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
      },
    };
    const uri = `file://${o.rootPath}`;
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'ws' }],
      capabilities,
      initializationOptions: o.initializationOptions ?? { debounceMs: 0 },
    });
    await connection.sendNotification('initialized', {});
    return client;
  }

  private listen(): void {
    const c = this.connection;
    const record = (method: string, params: unknown): void => {
      const n = { method, params };
      this.notifications.push(n);
      for (const w of [...this.waiters]) {
        if (w.test(n)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(n);
        }
      }
    };
    c.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.push(p);
      record('textDocument/publishDiagnostics', p);
    });
    c.onNotification('window/showMessage', (p: { type: number; message: string }) => {
      this.messages.push(p);
      record('window/showMessage', p);
    });
    c.onNotification('$/progress', (p: unknown) => {
      this.progress.push(p);
      record('$/progress', p);
    });
    c.onNotification('window/logMessage', () => undefined);
    c.onNotification('flushguard/analysed', (p: unknown) => record('flushguard/analysed', p));
    c.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map(() => this.settings),
    );
    c.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      this.progressTokens.push(p.token);
      return null;
    });
    c.onRequest('workspace/diagnostic/refresh', () => {
      record('workspace/diagnostic/refresh', null);
      return null;
    });
  }

  /** Resolves with the first notification (already received from `since` on, or coming) that passes `test`. */
  waitFor<T>(method: string, test: (params: T) => boolean = () => true, since = 0): Promise<T> {
    const hit = this.notifications
      .slice(since)
      .find((n) => n.method === method && test(n.params as T));
    if (hit) return Promise.resolve(hit.params as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${method}\nserver stderr:\n${this.stderr}`)),
        this.timeoutMs,
      );
      this.waiters.push({
        test: (n) => n.method === method && test(n.params as T),
        resolve: (n) => {
          clearTimeout(timer);
          resolve(n.params as T);
        },
      });
    });
  }

  /** The diagnostics pushed for `uri` at `version` (waits for them). */
  async diagnosticsFor(uri: string, version?: number): Promise<Diagnostic[]> {
    const v = version ?? this.versions.get(uri);
    const p = await this.waitFor<PublishDiagnosticsParams>(
      'textDocument/publishDiagnostics',
      (d) => d.uri === uri && (v === undefined || d.version === v),
    );
    return p.diagnostics;
  }

  mark(): number {
    return this.notifications.length;
  }

  async open(uri: string, text: string, languageId = 'c'): Promise<void> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  text(uri: string): string {
    return this.texts.get(uri) ?? '';
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /** Applies LSP text edits (as an editor does: all against the same original text) and sends them. */
  async applyEdits(uri: string, edits: TextEdit[]): Promise<number> {
    const text = this.texts.get(uri) ?? '';
    const offset = (line: number, character: number): number => {
      let o = 0;
      for (let l = 0; l < line; l++) o = text.indexOf('\n', o) + 1;
      return o + character;
    };
    const sorted = [...edits].sort(
      (a, b) =>
        offset(b.range.start.line, b.range.start.character) -
        offset(a.range.start.line, a.range.start.character),
    );
    let next = text;
    for (const e of sorted) {
      next =
        next.slice(0, offset(e.range.start.line, e.range.start.character)) +
        e.newText +
        next.slice(offset(e.range.end.line, e.range.end.character));
    }
    // Sent as incremental changes, last edit first, so that each range is valid when applied.
    return this.change(
      uri,
      sorted.map((e) => ({ range: e.range, text: e.newText })),
      next,
    );
  }

  async change(
    uri: string,
    changes: TextDocumentContentChangeEvent[],
    resulting: string,
  ): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, resulting);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: changes,
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) =>
      this.child.once('exit', (code) => resolve(code)),
    );
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.child.kill();
    }
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}
