/**
 * The extension's commands. Each one has a defined answer when the server is not running (a
 * message, not an exception), and reports server errors (no finding, unknown preset) as messages.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ViewPayload as SimulationPayload } from '../../simulator/src/webview/protocol';
import { CHECK_WORKSPACE_REQUEST } from '../../server/src/protocol/workspace';
import type { CheckWorkspaceResult } from '../../server/src/protocol/workspace';
import { SIMULATE_REQUEST } from '../../server/src/protocol/simulate';
import type { SimulateParams } from '../../server/src/protocol/simulate';
import { showSimulation } from './simulationPanel';

export interface Host {
  client: () => LanguageClient | undefined;
  restart: () => Promise<void>;
}

function running(host: Host): LanguageClient | undefined {
  const c = host.client();
  if (c?.isRunning() === true) return c;
  void vscode.window.showWarningMessage(
    'FlushGuard: the language server is not running. Run "FlushGuard: Restart Server".',
  );
  return undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function simulateWith(
  context: vscode.ExtensionContext,
  client: LanguageClient,
  params: SimulateParams,
): Promise<void> {
  let payload: SimulationPayload;
  try {
    payload = await client.sendRequest<SimulationPayload>(SIMULATE_REQUEST, params);
  } catch (e) {
    void vscode.window.showErrorMessage(`FlushGuard: ${messageOf(e)}`);
    return;
  }
  const uri = vscode.Uri.parse(params.uri);
  showSimulation(context, payload, {
    requestPreset: (preset: string) =>
      client.sendRequest<SimulationPayload>(SIMULATE_REQUEST, { ...params, preset }),
    revealLine: (line: number) => {
      void vscode.window.showTextDocument(uri, { preserveFocus: false }).then((editor) => {
        const pos = new vscode.Position(Math.max(0, line - 1), 0);
        editor.selection = new vscode.Selection(pos, pos);
        editor.revealRange(
          new vscode.Range(pos, pos),
          vscode.TextEditorRevealType.InCenterIfOutsideViewport,
        );
      });
    },
  });
}

function isLensArgument(v: unknown): v is { uri: string; line: number } {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { uri?: unknown }).uri === 'string' &&
    typeof (v as { line?: unknown }).line === 'number'
  );
}

export function registerCommands(context: vscode.ExtensionContext, host: Host): void {
  const register = (id: string, run: (...args: unknown[]) => Promise<void>): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, run));
  };

  register('flushguard.simulate', async (arg?: unknown) => {
    const client = running(host);
    if (!client) return;
    if (isLensArgument(arg)) return simulateWith(context, client, { uri: arg.uri, line: arg.line });
    const editor = vscode.window.activeTextEditor;
    if (!editor)
      return void vscode.window.showInformationMessage(
        'FlushGuard: open a C file and put the cursor on a finding to simulate it.',
      );
    await simulateWith(context, client, {
      uri: editor.document.uri.toString(),
      line: editor.selection.active.line,
    });
  });

  register('flushguard.simulateSelection', async () => {
    const client = running(host);
    const editor = vscode.window.activeTextEditor;
    if (!client) return;
    if (!editor || editor.selection.isEmpty) {
      return void vscode.window.showInformationMessage(
        'FlushGuard: select a function or a few statements to simulate.',
      );
    }
    const s = editor.selection;
    await simulateWith(context, client, {
      uri: editor.document.uri.toString(),
      range: {
        start: { line: s.start.line, character: s.start.character },
        end: { line: s.end.line, character: s.end.character },
      },
    });
  });

  register('flushguard.checkWorkspace', async () => {
    const client = running(host);
    if (!client) return;
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'FlushGuard: checking the workspace',
        cancellable: true,
      },
      async (_progress, token) => {
        try {
          return await client.sendRequest<CheckWorkspaceResult>(CHECK_WORKSPACE_REQUEST, {}, token);
        } catch (e) {
          if (!token.isCancellationRequested)
            void vscode.window.showErrorMessage(`FlushGuard: ${messageOf(e)}`);
          return undefined;
        }
      },
    );
    if (!result) return;
    const what = `${result.findings} finding${result.findings === 1 ? '' : 's'} in ${result.filesWithFindings} file${result.filesWithFindings === 1 ? '' : 's'}`;
    void vscode.window.showInformationMessage(
      `FlushGuard: ${result.cancelled ? 'stopped; so far ' : ''}${what} (${result.files} C files, ${result.analysed} analysed, ${(result.elapsedMs / 1000).toFixed(1)} s).`,
    );
  });

  register('flushguard.restartServer', async () => {
    await host.restart();
  });
}
