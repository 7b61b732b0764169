/**
 * The VS Code extension: starts the language server, registers the commands and the status bar.
 * Everything is owned by the extension context's subscriptions.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { createLanguageClient } from './languageClient';
import { registerCommands } from './commands';
import { registerStatusBar } from './statusBar';
import { registerSimulationSerializer } from './simulationPanel';
import { registerScenarioCommand } from './scenarioCommand';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  client = createLanguageClient(context);
  registerCommands(context, {
    client: () => client,
    restart: async () => {
      if (client?.isRunning() === true) await client.restart();
      else {
        client = createLanguageClient(context);
        await client.start();
      }
    },
  });
  registerStatusBar(context);
  context.subscriptions.push(registerSimulationSerializer(context));
  registerScenarioCommand(context);
  context.subscriptions.push({ dispose: () => void client?.stop() });
  try {
    await client.start();
  } catch (e) {
    void vscode.window.showErrorMessage(
      `FlushGuard: the language server did not start: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
