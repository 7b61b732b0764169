/**
 * Code actions for one document version. Every edit here changes what the kernel does, so they
 * are `quickfix` (tied to a diagnostic) or `refactor.rewrite` (at the cursor), never
 * `source.fixAll`: nothing is applied on save (vscode-eslint #947). Actions are rebuilt from the
 * analysis of the current version; a diagnostic from an older version gets none.
 */
import type {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Diagnostic,
  TextEdit as LspTextEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Node } from '../parsing/parser';
import type { Fix } from '../rules/types';
import { pageCopyRewrite } from '../fixes/pageCopy';
import { flushKernelDcachePageRename, kmapAtomicToLocal } from '../fixes/refactors';
import { insertSuppression, removeSuppression } from '../fixes/suppression';
import type { Analysis } from './analysisResult';
import { isDiagnosticData, rangeOf, SOURCE, UNUSED_SUPPRESSION } from './diagnostics';

// The specification's kind strings: the analysis thread builds actions too, and importing the
// values would load the language server's whole transport there.
const QUICK_FIX: CodeActionKind = 'quickfix';
const REFACTOR_REWRITE: CodeActionKind = 'refactor.rewrite';

function toEdit(doc: TextDocument, fix: Fix): LspTextEdit[] {
  return fix.edits.map((e) => ({ range: rangeOf(doc, e.start, e.end), newText: e.text }));
}

function action(
  doc: TextDocument,
  fix: Fix,
  kind: string,
  diagnostics?: Diagnostic[],
  preferred = false,
): CodeAction {
  const a: CodeAction = {
    title: fix.title,
    kind,
    edit: { changes: { [doc.uri]: toEdit(doc, fix) } },
  };
  if (diagnostics) a.diagnostics = diagnostics;
  if (preferred) a.isPreferred = true;
  return a;
}

/** Whether the client asked for kinds we never offer (`source`, `source.fixAll`...). */
export function wantsOnly(only: readonly string[] | undefined, kind: string): boolean {
  return !only || only.length === 0 || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

export function buildCodeActions(
  doc: TextDocument,
  analysis: Analysis,
  root: Node | undefined,
  params: CodeActionParams,
): CodeAction[] {
  const only = params.context.only;
  const out: CodeAction[] = [];
  const source = analysis.source;
  if (wantsOnly(only, QUICK_FIX)) {
    for (const d of params.context.diagnostics) {
      if (d.source !== SOURCE || !isDiagnosticData(d.data) || d.data.version !== analysis.version)
        continue;
      const data = d.data;
      if (data.rule === UNUSED_SUPPRESSION) {
        const s = analysis.unused.find((u) => u.start === data.start);
        if (s) out.push(action(doc, removeSuppression(source, s), QUICK_FIX, [d], true));
        continue;
      }
      const f = analysis.findings.find((x) => x.rule === data.rule && x.start === data.start);
      if (!f) continue;
      f.fixes.forEach((fix, i) => out.push(action(doc, fix, QUICK_FIX, [d], i === 0)));
      const rewrite = root && pageCopyRewrite(source, root, f.start);
      if (rewrite) out.push(action(doc, rewrite, QUICK_FIX, [d]));
      out.push(action(doc, insertSuppression(source, f.start, f.rule), QUICK_FIX, [d]));
    }
  }
  if (root && wantsOnly(only, REFACTOR_REWRITE)) {
    const start = doc.offsetAt(params.range.start);
    const end = doc.offsetAt(params.range.end);
    const titles = new Set(out.map((a) => a.title));
    const refactors = [
      kmapAtomicToLocal(source, root, start, end),
      flushKernelDcachePageRename(root, start, end),
      pageCopyRewrite(source, root, start),
    ];
    for (const fix of refactors) {
      if (fix && !titles.has(fix.title)) out.push(action(doc, fix, REFACTOR_REWRITE));
    }
  }
  return out;
}
