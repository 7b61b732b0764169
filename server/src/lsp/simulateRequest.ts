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
import { findingNear, simulateEngineFinding, simulateSourceAt, snippetSource } from '../simulation';
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
      const text = doc.getText(params.range);
      const firstLine = params.range.start.line + 1;
      const outcome = simulateSourceAt(
        await ctx.parser(),
        snippetSource(text, firstLine),
        file,
        firstLine,
        preset,
      );
      if (!outcome.ok)
        throw new ResponseError(
          ErrorCodes.InvalidParams,
          `${outcome.message.replace(/in this file/, 'in the selection')}`,
        );
      return outcome.payload;
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
    return simulateEngineFinding(a.source, file, finding, preset);
  } catch (e) {
    if (e instanceof SimulatorInputError)
      throw new ResponseError(ErrorCodes.InvalidParams, e.message);
    throw e;
  }
}

/** One line for editors without a simulation view (Neovim, Emacs): what the two runs showed. */
export function summarise(p: SimulationPayload): string {
  const cut = (t: string): string => (t.length > 24 ? `${t.slice(0, 21)}...` : t);
  const run = (o: SimulationPayload['asWritten']): string =>
    o.corrupted
      ? `the ${o.observer} reads ${cut(o.observed)} instead of ${cut(o.expected)}`
      : `the ${o.observer} reads ${cut(o.observed)} as expected`;
  return `FlushGuard simulated ${p.source.file}:${p.source.line} on ${p.preset}: as written, ${run(p.asWritten)}; with the fix, ${run(p.withFix)}.`;
}
