/** A status bar item with the number of FlushGuard findings; a click opens the Problems panel. */
import * as vscode from 'vscode';
import { countFindings, statusText } from './statusCount';

export function registerStatusBar(context: vscode.ExtensionContext): void {
  const item = vscode.window.createStatusBarItem(
    'flushguard.status',
    vscode.StatusBarAlignment.Left,
    10,
  );
  item.name = 'FlushGuard';
  item.command = 'workbench.actions.view.problems';
  let timer: NodeJS.Timeout | undefined;
  const update = (): void => {
    timer = undefined;
    const count = countFindings(vscode.languages.getDiagnostics().map(([, list]) => list));
    item.text = statusText(count);
    item.tooltip = `FlushGuard: ${count.findings} finding(s) in ${count.files} file(s). Click for the Problems panel.`;
    item.show();
  };
  context.subscriptions.push(
    item,
    vscode.languages.onDidChangeDiagnostics(() => {
      timer ??= setTimeout(update, 150);
    }),
    { dispose: () => clearTimeout(timer) },
  );
  update();
}
