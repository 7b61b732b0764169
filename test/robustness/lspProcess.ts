/**
 * The built language server (dist/server.js) over stdio, spoken to byte by byte: the robustness
 * tests need to send what no well-behaved client library would (broken JSON, broken headers).
 * Waits are for messages, never for a fixed time.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** FLUSHGUARD_TEST_SERVER points the tests at another build (to check that they can fail). */
export const SERVER =
  process.env['FLUSHGUARD_TEST_SERVER'] ?? join(__dirname, '..', '..', 'dist', 'server.js');

export interface Message {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

type Waiter = {
  match: (m: Message) => boolean;
  resolve: (m: Message) => void;
  reject: (e: Error) => void;
};

export class LspProcess {
  readonly proc: ChildProcessWithoutNullStreams;
  stderr = '';
  exited: { code: number | null; signal: string | null } | undefined;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private waiters: Waiter[] = [];
  /** Every message from the server, in order. */
  readonly received: Message[] = [];

  constructor() {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run 'npm run build' first`);
    this.proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const w of this.waiters.splice(0))
        w.reject(new Error(`server exited (${code ?? signal})`));
    });
  }

  /** Starts a server and initialises it; push diagnostics unless `pull`. */
  static async start(
    options: { pull?: boolean; debounceMs?: number; budgetMs?: number } = {},
  ): Promise<LspProcess> {
    const s = new LspProcess();
    // As an editor would: workspace folders, and pull diagnostics only when asked for.
    const capabilities = {
      workspace: { workspaceFolders: true },
      ...(options.pull ? { textDocument: { diagnostic: { dynamicRegistration: false } } } : {}),
    };
    const init = await s.request('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities,
      initializationOptions: {
        debounceMs: options.debounceMs ?? 0,
        ...(options.budgetMs !== undefined ? { budgetMs: options.budgetMs } : {}),
      },
    });
    if (init.error) throw new Error(`initialize failed: ${init.error.message}`);
    s.notify('initialized', {});
    return s;
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(
        /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1],
      );
      if (this.buffer.length < end + 4 + length) return;
      const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(end + 4 + length);
      const message = JSON.parse(body) as Message;
      this.received.push(message);
      this.answerServerRequest(message);
      const i = this.waiters.findIndex((w) => w.match(message));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(message);
    }
  }

  /** The server may ask the client things (registrations, progress): answer as an editor would. */
  private answerServerRequest(m: Message): void {
    if (m.method !== undefined && m.id !== undefined)
      this.send({ jsonrpc: '2.0', id: m.id, result: null });
  }

  raw(bytes: string | Buffer): void {
    this.proc.stdin.write(bytes);
  }

  /** Frames `body` (any text, valid JSON or not) with a correct Content-Length. */
  sendBody(body: string): void {
    this.raw(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  send(message: Message): void {
    this.sendBody(JSON.stringify(message));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /** Sends a request and returns its id without waiting. */
  requestId(method: string, params: unknown): number {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return id;
  }

  request(method: string, params: unknown): Promise<Message> {
    const id = this.requestId(method, params);
    return this.responseTo(id);
  }

  responseTo(id: number | string): Promise<Message> {
    return this.waitFor((m) => m.id === id && m.method === undefined);
  }

  /** The first message, already received or still to come, that `match` accepts. */
  waitFor(match: (m: Message) => boolean, from = 0): Promise<Message> {
    const seen = this.received.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    if (this.exited) return Promise.reject(new Error('server has exited'));
    return new Promise((resolve, reject) => this.waiters.push({ match, resolve, reject }));
  }

  /** Resident memory of the server process (Linux), in KiB. */
  rssKiB(): number {
    const status = readFileSync(`/proc/${this.proc.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      await this.request('shutdown', null);
      this.notify('exit', null);
    } catch {
      this.proc.kill();
    }
    await exited;
  }
}
