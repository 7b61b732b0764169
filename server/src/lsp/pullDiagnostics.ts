/** `textDocument/diagnostic`, for clients that announced pull diagnostics at initialize. */
import { DocumentDiagnosticReportKind, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type {
  CancellationToken,
  DocumentDiagnosticParams,
  DocumentDiagnosticReport,
} from 'vscode-languageserver';
import type { ServerContext } from './context';
import { isCDocument } from './context';
import type { Analysis } from './documentAnalysis';
import { toDiagnostics } from './diagnostics';

export async function pullDiagnostics(
  ctx: ServerContext,
  params: DocumentDiagnosticParams,
  token: CancellationToken,
): Promise<DocumentDiagnosticReport> {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc || !isCDocument(doc)) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
  // Answer with the edited functions' result as soon as it exists; when the full re-check
  // then changes anything, ask the client to pull again (it gets the stored full result).
  let quick: (a: Analysis) => void = () => undefined;
  const first = new Promise<Analysis>((resolve) => (quick = resolve));
  const full = ctx.analysis(
    doc.uri,
    token,
    ctx.client.refreshSupport ? (a) => quick(a) : undefined,
  );
  const a = await Promise.race([first, full]);
  if (!a)
    throw new ResponseError(LSPErrorCodes.ServerCancelled, 'superseded by a newer edit', {
      retriggerRequest: true,
    });
  const items = toDiagnostics(doc, a);
  if (a.quick === true) {
    void full.then((done) => {
      const changed = done && JSON.stringify(toDiagnostics(doc, done)) !== JSON.stringify(items);
      if (changed === true) void ctx.connection.languages.diagnostics.refresh();
    });
  }
  return { kind: DocumentDiagnosticReportKind.Full, items };
}
