/**
 * The end of a session. After `shutdown` every request but `exit` is answered with an
 * InvalidRequest error, as the LSP specification asks ("If a server receives requests after a
 * shutdown request those requests should error with InvalidRequest"); notifications are dropped.
 */
import { CancellationToken, ErrorCodes, ResponseError } from 'vscode-languageserver';

export class Lifecycle {
  private shutDown = false;

  get isShutDown(): boolean {
    return this.shutDown;
  }

  /** Marks the session ended; the first caller gets true, later ones false. */
  end(): boolean {
    if (this.shutDown) return false;
    this.shutDown = true;
    return true;
  }

  /** Throws the error a request gets once the server was shut down. */
  check(method: string): void {
    if (this.shutDown)
      throw new ResponseError(
        ErrorCodes.InvalidRequest,
        `${method}: the server was shut down; only exit is accepted`,
      );
  }

  /** `handler` refusing to run after shutdown. */
  guard<A extends unknown[], R>(method: string, handler: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      this.check(method);
      return handler(...args);
    };
  }
}

/**
 * Params and token of a request registered by method name. vscode-jsonrpc spreads positional
 * params into the handler's arguments, so `[]` (what Neovim 0.7 sends for `{}`) or no params at
 * all leave the token as the only argument; an array of one object gives that object.
 */
export function requestArgs(args: readonly unknown[]): {
  params: unknown;
  token: CancellationToken;
} {
  const last = args[args.length - 1];
  const token = CancellationToken.is(last) ? last : CancellationToken.None;
  const rest = CancellationToken.is(last) ? args.slice(0, -1) : args;
  return { params: rest[0], token };
}
