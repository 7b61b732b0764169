// `flushguard.simulateScenario`: opens a scenario file (.fgs) in the simulation view. Scenarios
// run in the extension host (the simulator is pure), so no language server is involved.
import * as vscode from 'vscode';
import { localHandlers, savedPreset, showSimulation } from './simulationPanel';
import { simulateScenarioText } from './webview/rerun';
import type { ViewPayload as SimulationPayload } from '../../simulator/src/webview/protocol';

export const SIMULATE_SCENARIO_COMMAND = 'flushguard.simulateScenario';

async function scenarioDocument(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  const active = vscode.window.activeTextEditor?.document;
  if (active && (active.languageId === 'flushguard-scenario' || active.fileName.endsWith('.fgs')))
    return active;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    filters: { 'FlushGuard scenario': ['fgs'] },
    openLabel: 'Simulate',
  });
  return picked?.[0] ? vscode.workspace.openTextDocument(picked[0]) : undefined;
}

export async function simulateScenario(
  context: vscode.ExtensionContext,
  arg?: unknown,
): Promise<void> {
  const doc = await scenarioDocument(arg);
  if (!doc) return;
  const file = vscode.workspace.asRelativePath(doc.uri, false);
  let payload: SimulationPayload;
  try {
    payload = simulateScenarioText({ file, text: doc.getText() }, savedPreset(context));
  } catch (e) {
    // An unknown saved preset must not lock the user out: fall back to the scenario's own.
    try {
      payload = simulateScenarioText({ file, text: doc.getText() });
    } catch {
      void vscode.window.showErrorMessage(
        `FlushGuard: ${e instanceof Error ? e.message : String(e)}`,
      );
      return;
    }
  }
  let shown = payload;
  const local = localHandlers(() => shown, doc.uri);
  showSimulation(
    context,
    payload,
    {
      requestPreset: async (preset) => (shown = await local.requestPreset(preset)),
      revealLine: local.revealLine,
    },
    doc.uri,
  );
}

/** Registers the command (call once, at activation; the panel serializer is registered apart). */
export function registerScenarioCommand(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SIMULATE_SCENARIO_COMMAND, (arg?: unknown) =>
      simulateScenario(context, arg),
    ),
  );
}
