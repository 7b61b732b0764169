/** `textDocument/codeAction`: the actions are built on the code-action thread (codeActionList.ts). */
import type { CancellationToken, CodeAction, CodeActionParams } from 'vscode-languageserver';
import type { Analyses } from './analyses';
import type { ServerContext } from './context';
import { isCDocument } from './context';

/** `textDocument/codeAction`: the actions of the analysis of the document's current version. */
export async function codeActionsAt(
  ctx: ServerContext,
  analyses: Analyses,
  params: CodeActionParams,
  token: CancellationToken,
): Promise<CodeAction[]> {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc || !isCDocument(doc)) return [];
  const a = await ctx.analysis(doc.uri, token);
  if (!a || a.tooLarge || doc.version !== a.version || ctx.documents.get(doc.uri) !== doc)
    return [];
  // Built on the analysis thread, which holds the document's tree.
  return analyses
    .stateOf(doc.uri)
    .actions(
      doc.uri,
      a,
      params,
      () => token.isCancellationRequested || ctx.documents.get(doc.uri) !== doc,
    );
}
