/** `flushguard/checkWorkspace`: work-done progress with a percentage and cancel, results pushed. */
import type { CancellationToken } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { emptySettings, mergeSettings } from '../config/settings';
import type { CheckWorkspaceResult } from '../protocol/workspace';
import { findingDiagnostic, unusedSuppressionDiagnostic } from './diagnostics';
import type { ServerContext } from './context';
import { uriToPath } from './settingsStore';
import { checkWorkspace } from './workspaceCheck';
import type { LintResult } from '../linter';

export async function runWorkspaceCheck(
  ctx: ServerContext,
  token: CancellationToken,
): Promise<CheckWorkspaceResult> {
  const { connection, documents, store } = ctx;
  const progress = await connection.window.createWorkDoneProgress();
  progress.begin('FlushGuard: checking the workspace', 0, 'listing C files', true);
  const open = new Set(documents.all().map((d) => uriToPath(d.uri)));
  // The editor's own settings for the folder are resolved once; the file's are re-read per root.
  const editor = await store.editorFor(pathToFileURL(store.roots[0] ?? process.cwd()).href);
  let lastPercent = -1;
  try {
    return await checkWorkspace({
      roots: store.roots,
      // Each file on the analysis thread: one huge function never holds the event loop.
      lint: async (source, rules, cancelled) =>
        (await ctx.host.run(
          { kind: 'file', source, rules, budgetMs: ctx.client.budgetMs },
          cancelled,
        )) as LintResult | null | undefined,
      settingsFor: (root) =>
        mergeSettings(store.configFile(root)?.settings ?? emptySettings(), editor),
      skip: (path) => open.has(path),
      cancelled: () => token.isCancellationRequested || progress.token.isCancellationRequested,
      progress: (done, total, path) => {
        const percent = total === 0 ? 100 : Math.floor((100 * done) / total);
        if (percent === lastPercent) return;
        lastPercent = percent;
        progress.report(percent, path ? `${done}/${total} ${basename(path)}` : `${done}/${total}`);
      },
      report: (file) => {
        const uri = pathToFileURL(file.path).href;
        const had = ctx.scanned.has(uri);
        if (file.findings.length === 0 && file.unused.length === 0 && !had) return;
        const doc = TextDocument.create(uri, 'c', 0, file.source);
        const diagnostics = [
          ...file.findings.map((f) => findingDiagnostic(doc, f, f.severity)),
          ...file.unused.map((s) => unusedSuppressionDiagnostic(doc, s)),
        ];
        if (diagnostics.length > 0) ctx.scanned.add(uri);
        else ctx.scanned.delete(uri);
        void connection.sendDiagnostics({ uri, diagnostics });
      },
    });
  } finally {
    progress.done();
  }
}
