/** Hover and code lenses: thin handlers over the current analysis and hoverText. */
import type { CancellationToken, CodeLens, Hover, HoverParams } from 'vscode-languageserver';
import { MarkupKind } from 'vscode-languageserver';
import { docsUri } from '../host/package';
import { apiHover, findingHover } from './hoverText';
import { rangeOf } from './diagnostics';
import type { ServerContext } from './context';
import { DEFAULT_PRESET_ID } from '../../../simulator/src/index';
import type { Finding } from '../rules/types';
import { simulateEngineFinding, simulates } from '../simulation';
import { verdictInWords } from './simulationText';

/** The identifier around `offset` in `text`. */
export function wordAt(text: string, offset: number): { word: string; start: number } | undefined {
  let s = offset;
  while (s > 0 && /\w/.test(text[s - 1]!)) s--;
  let e = offset;
  while (e < text.length && /\w/.test(text[e]!)) e++;
  return e > s && /^[A-Za-z_]/.test(text.slice(s, e))
    ? { word: text.slice(s, e), start: s }
    : undefined;
}

export async function hoverAt(
  ctx: ServerContext,
  params: HoverParams,
  token: CancellationToken,
): Promise<Hover | null> {
  const doc = ctx.documents.get(params.textDocument.uri);
  if (!doc) return null;
  const offset = doc.offsetAt(params.position);
  const a = await ctx.analysis(doc.uri, token);
  const f = a?.findings.find((x) => x.start <= offset && offset <= x.end);
  if (f && a) {
    const verdict = simulates(f) ? await simulatedVerdict(ctx, doc.uri, a.source, f) : undefined;
    const value = findingHover(f, docsUri(f.rule)) + (verdict ? `\n\n${verdict}` : '');
    return {
      contents: { kind: MarkupKind.Markdown, value },
      range: rangeOf(doc, f.start, f.end),
    };
  }
  const w = wordAt(doc.getText(), offset);
  const text = w && apiHover(w.word);
  if (!w || !text) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: text },
    range: rangeOf(doc, w.start, w.start + w.word.length),
  };
}

/** The finding replayed on the document's preset, in words (editors without the simulation view). */
async function simulatedVerdict(
  ctx: ServerContext,
  uri: string,
  source: string,
  f: Finding,
): Promise<string | undefined> {
  const preset = (await ctx.store.resolve(uri)).settings.preset ?? DEFAULT_PRESET_ID;
  try {
    return `**Simulated:** ${verdictInWords(simulateEngineFinding(source, 'this file', f, preset))}`;
  } catch {
    // An unknown preset in the settings is reported by the settings; the hover stays useful.
    return undefined;
  }
}

/** A "Simulate" lens above each finding; the client command asks the server to simulate it. */
export async function lensesFor(
  ctx: ServerContext,
  uri: string,
  token: CancellationToken,
): Promise<CodeLens[]> {
  const doc = ctx.documents.get(uri);
  if (!doc) return [];
  const a = await ctx.analysis(uri, token);
  if (!a) return [];
  const seen = new Set<number>();
  const lenses: CodeLens[] = [];
  for (const f of a.findings.filter(simulates)) {
    const range = rangeOf(doc, f.start, f.start);
    if (seen.has(range.start.line)) continue;
    seen.add(range.start.line);
    lenses.push({
      range,
      command: {
        title: 'Simulate',
        command: 'flushguard.simulate',
        arguments: [{ uri, line: range.start.line }],
      },
    });
  }
  return lenses;
}
