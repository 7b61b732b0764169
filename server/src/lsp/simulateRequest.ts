/**
 * `flushguard/simulate` and `flushguard/presets` (server/src/protocol/simulate.ts): the finding at
 * or nearest to a line of an open document, or a selected snippet, run on the simulator. Errors
 * are ResponseErrors with a message a user can act on (no finding, unknown preset, not open).
 */
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { CancellationToken } from 'vscode-languageserver';
import { basename, relative } from 'node:path';
import { DEFAULT_PRESET_ID, listPresets, SimulatorInputError } from '../../../simulator/src/index';
import type { PresetInfo } from '../../../simulator/src/index';
import type { SimulateParams, SimulationPayload } from '../protocol/simulate';
import { findingNear, simulateEngineFinding, snippetSource } from '../simulation';
import type { Finding } from '../rules/types';
import { DocumentAnalysis } from './documentAnalysis';
import type { ServerContext } from './context';
import { uriToPath } from './settingsStore';

export function listPresetsResult(): PresetInfo[] {
  return listPresets();
}

function displayName(ctx: ServerContext, uri: string): string {
  const path = uriToPath(uri);
  if (!path) return uri;
  const root = ctx.store.rootOf(path);
  return root ? relative(root, path) : basename(path);
}

function isSimulateParams(p: unknown): p is SimulateParams {
  return typeof p === 'object' && p !== null && typeof (p as { uri?: unknown }).uri === 'string';
}

function cancelled(token: CancellationToken): void {
  if (token.isCancellationRequested)
    throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
}

/**
 * The finding of a selected snippet nearest to its first line. The snippet is analysed like a
 * document (with the document's settings), yielding to the event loop as it goes, so a long
 * selection neither blocks the server nor outlives a cancel.
 */
async function snippetFinding(
  ctx: ServerContext,
  uri: string,
  source: string,
  firstLine: number,
  token: CancellationToken,
): Promise<Finding | undefined> {
  const resolved = await ctx.store.resolve(uri);
  const analysis = new DocumentAnalysis(ctx.host, ctx.client.budgetMs);
  try {
    const a = await analysis.analyse(
      source,
      0,
      resolved.settings,
      undefined,
      () => token.isCancellationRequested,
    );
    cancelled(token);
    return a && findingNear(source, a.findings, firstLine);
  } finally {
    analysis.dispose();
  }
}

export async function simulate(
  ctx: ServerContext,
  params: unknown,
  token: CancellationToken,
): Promise<SimulationPayload> {
  if (!isSimulateParams(params))
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      'flushguard/simulate needs {uri, line?, range?, preset?}',
    );
  const doc = ctx.documents.get(params.uri);
  if (!doc)
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `${params.uri} is not open in the editor; open it first`,
    );
  const preset =
    params.preset ?? (await ctx.store.resolve(params.uri)).settings.preset ?? DEFAULT_PRESET_ID;
  const file = displayName(ctx, params.uri);
  try {
    if (params.range) {
      const firstLine = params.range.start.line + 1;
      const source = snippetSource(doc.getText(params.range), firstLine);
      const finding = await snippetFinding(ctx, params.uri, source, firstLine, token);
      if (!finding)
        throw new ResponseError(
          ErrorCodes.InvalidParams,
          `${file}: no finding to simulate (FlushGuard reports nothing in the selection)`,
        );
      return simulateEngineFinding(source, file, finding, preset);
    }
    const a = await ctx.analysis(params.uri, token);
    if (!a)
      throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled: the document changed');
    const line = (params.line ?? doc.positionAt(0).line) + 1;
    const finding = findingNear(a.source, a.findings, line);
    if (!finding)
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        `${file}: no FlushGuard finding to simulate${a.note ? ` (${a.note})` : ''}`,
      );
    cancelled(token);
    return simulateEngineFinding(a.source, file, finding, preset);
  } catch (e) {
    if (e instanceof SimulatorInputError)
      throw new ResponseError(ErrorCodes.InvalidParams, e.message);
    throw e;
  }
}
