// The simulation webview's HTML: a strict Content-Security-Policy, the one script allowed by a
// nonce from a cryptographic source, the style block by the same nonce, and every piece of
// text escaped. No vscode import, so it is testable in plain Node.
import { randomBytes } from 'node:crypto';

/** 128 bits from the OS CSPRNG, base64 (the CSP nonce grammar allows it). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

export interface HtmlInput {
  /** webview.cspSource: the origin the webview's resources come from. */
  cspSource: string;
  nonce: string;
  /** webview.asWebviewUri(dist/webview.js), as a string. */
  scriptUri: string;
  /** The panel's heading until the script has rendered (file name and line; untrusted). */
  title: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `font-src ${cspSource}`,
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function simulationHtml(input: HtmlInput): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(input.nonce)) throw new Error('simulationHtml: bad nonce');
  const nonce = escapeHtml(input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(input.title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main id="fg-app" aria-live="off"><h1 id="fg-loading">${escapeHtml(input.title)}</h1><p>Loading the simulation…</p></main>
<script nonce="${nonce}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>`;
}

// Theme colours only (VS Code's CSS variables), so light, dark and high-contrast themes work.
const STYLE = `
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 12px 24px; }
h1 { font-size: 1.3em; margin: 10px 0 2px; } h2 { font-size: 1.1em; margin: 10px 0 4px; } h3 { font-size: 0.95em; margin: 10px 0 4px; opacity: 0.85; }
code { font-family: var(--vscode-editor-font-family); }
.fg-message { margin: 2px 0; } .fg-rule { margin: 0; opacity: 0.8; }
.fg-toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 6px 0; border-bottom: 1px solid var(--vscode-panel-border); }
.fg-preset-description { opacity: 0.85; flex: 1 1 300px; }
select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); padding: 2px 4px; }
button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 3px 9px; cursor: pointer; min-width: 2.2em; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
.fg-position { margin-left: 6px; }
.fg-error { color: var(--vscode-errorForeground); }
.fg-runs { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
.fg-run { border: 1px solid var(--vscode-panel-border); padding: 0 10px 10px; }
.fg-verdict { padding: 6px 8px; border-left: 4px solid; }
.fg-verdict.bad { border-color: var(--vscode-errorForeground); background: var(--vscode-inputValidation-errorBackground); }
.fg-verdict.ok { border-color: var(--vscode-testing-iconPassed); background: var(--vscode-editor-inactiveSelectionBackground); }
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: 0.9em; }
th, td { padding: 1px 4px; text-align: center; } th { font-weight: normal; opacity: 0.8; text-align: right; white-space: nowrap; }
.fg-byte.bad, .fg-byte.stale { color: var(--vscode-errorForeground); font-weight: bold; }
.fg-byte.first-bad { outline: 2px solid var(--vscode-errorForeground); }
.fg-grid td.fg-cell { min-width: 4.5em; border: 1px solid var(--vscode-panel-border); }
.fg-cell.empty { opacity: 0.5; }
.fg-cell.alias-kernel { background: color-mix(in srgb, var(--vscode-charts-blue) 35%, transparent); }
.fg-cell.alias-user { background: color-mix(in srgb, var(--vscode-charts-orange) 35%, transparent); }
.fg-cell.alias-vmap { background: color-mix(in srgb, var(--vscode-charts-purple) 35%, transparent); }
.fg-cell.alias-other { background: color-mix(in srgb, var(--vscode-charts-green) 25%, transparent); }
.fg-cell.dirty { font-weight: bold; }
.fg-cell.touched { outline: 2px solid var(--vscode-focusBorder); }
.fg-colour { opacity: 0.8; }
.fg-legend { display: flex; flex-wrap: wrap; gap: 4px 10px; font-size: 0.85em; margin: 4px 0; }
.fg-key { padding: 0 4px; } .fg-key.alias-kernel { background: color-mix(in srgb, var(--vscode-charts-blue) 35%, transparent); }
.fg-key.alias-user { background: color-mix(in srgb, var(--vscode-charts-orange) 35%, transparent); } .fg-key.alias-vmap { background: color-mix(in srgb, var(--vscode-charts-purple) 35%, transparent); }
.fg-key.touched { outline: 2px solid var(--vscode-focusBorder); }
.fg-memory tr.alias-kernel th { color: var(--vscode-charts-blue); } .fg-memory tr.alias-user th { color: var(--vscode-charts-orange); } .fg-memory tr.alias-vmap th { color: var(--vscode-charts-purple); }
.fg-more { opacity: 0.7; font-size: 0.9em; }
.fg-step-text ul { margin: 4px 0; padding-left: 18px; }
.fg-timeline ol { list-style: none; padding: 0; margin: 0; max-height: 40vh; overflow: auto; border: 1px solid var(--vscode-panel-border); }
.fg-row { display: flex; gap: 8px; padding: 2px 6px; cursor: pointer; }
.fg-row:hover { background: var(--vscode-list-hoverBackground); }
.fg-row.current { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
.fg-row.v-fix .fg-mark { color: var(--vscode-testing-iconPassed); } .fg-row.v-bug .fg-mark { color: var(--vscode-errorForeground); }
.fg-cline { min-width: 4em; opacity: 0.8; } .fg-mark { min-width: 1em; }
`;
