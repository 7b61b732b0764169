/**
 * `workspace/executeCommand` for clients without commands of their own (Neovim, Emacs, Helix):
 * the Simulate code lens and the workspace check. The VS Code client registers both itself.
 */
import {
  ErrorCodes,
  MessageType,
  ResponseError,
  ShowMessageNotification,
} from 'vscode-languageserver';
import type { CancellationToken, ExecuteCommandParams } from 'vscode-languageserver';
import type { CheckWorkspaceResult } from '../protocol/workspace';
import type { SimulateCommandResult } from '../protocol/simulate';
import type { ServerContext } from './context';
import { runWorkspaceCheck } from './workspaceCommand';
import { simulate } from './simulateRequest';
import { simulationTrace, verdictInWords, writeTraceDocument } from './simulationText';

export function checkWorkspaceMessage(r: CheckWorkspaceResult): string {
  return `FlushGuard: ${r.findings} finding(s) in ${r.filesWithFindings} file(s); ${r.files} C files checked${r.cancelled ? ' (stopped)' : ''}`;
}

export async function executeCommand(
  ctx: ServerContext,
  params: ExecuteCommandParams,
  token: CancellationToken,
): Promise<CheckWorkspaceResult | SimulateCommandResult> {
  const info = (message: string): void =>
    void ctx.connection.sendNotification(ShowMessageNotification.type, {
      type: MessageType.Info,
      message,
    });
  switch (params.command) {
    case 'flushguard.checkWorkspace': {
      const r = await runWorkspaceCheck(ctx, token);
      info(checkWorkspaceMessage(r));
      return r;
    }
    case 'flushguard.simulate': {
      const payload = await simulate(ctx, params.arguments?.[0], token);
      const trace = simulationTrace(payload);
      const verdict = verdictInWords(payload);
      info(`FlushGuard: ${payload.source.file}:${payload.source.line}: ${verdict}`);
      if (!ctx.client.showDocument) return { ...payload, trace, verdict };
      const document = writeTraceDocument(payload, trace);
      void ctx.connection.window.showDocument({ uri: document, takeFocus: true });
      return { ...payload, trace, verdict, document };
    }
    default:
      throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
  }
}
