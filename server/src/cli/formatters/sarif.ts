/** SARIF 2.1.0 for code-scanning services: rule metadata with help, results with code flows. */
import type { RuleMeta } from '../../rules/types';
import type { ReportedFinding } from '../report';

export interface SarifRuleInfo {
  meta: RuleMeta;
  helpUri: string;
  helpMarkdown: string;
}

const LEVEL = { error: 'error', warning: 'warning', info: 'note', hint: 'note' } as const;

export function formatSarif(findings: ReportedFinding[], rules: SarifRuleInfo[], version: string): string {
  const index = new Map(rules.map((r, i) => [r.meta.id, i]));
  const location = (file: string, line: number, column?: number, endLine?: number, endColumn?: number): object => ({
    physicalLocation: {
      artifactLocation: { uri: toUri(file), uriBaseId: '%SRCROOT%' },
      region: column === undefined ? { startLine: line } : { startLine: line, startColumn: column, endLine, endColumn },
    },
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'FlushGuard',
            version,
            semanticVersion: version,
            rules: rules.map((r) => ({
              id: r.meta.id,
              name: camel(r.meta.id),
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.description },
              helpUri: r.helpUri,
              help: { text: r.meta.description, markdown: r.helpMarkdown },
              defaultConfiguration: { level: LEVEL[r.meta.defaultSeverity] },
              properties: { tags: ['correctness', 'cache-coherency', 'linux-kernel'] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.rule,
          ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            { ...location(f.file, f.line, f.column, f.endLine, f.endColumn), logicalLocations: [{ name: f.function, kind: 'function' }] },
          ],
          partialFingerprints: { 'flushguard/v1': `${f.rule}:${f.file}:${f.function}:${f.message}` },
          ...(f.reach ? { properties: { reach: { aliasing: f.reach.aliasing, why: f.reach.why } } } : {}),
          codeFlows: [
            {
              threadFlows: [
                {
                  locations: f.path.map((s) => ({
                    location: { ...location(f.file, s.line), message: { text: s.note } },
                    kinds: [s.kind],
                  })),
                },
              ],
            },
          ],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

function toUri(file: string): string {
  return file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/').replace(/^\.\//, '');
}

function camel(id: string): string {
  return id.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase());
}
