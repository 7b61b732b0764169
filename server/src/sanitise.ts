/**
 * Text taken from input (C comments and strings, scenario titles, file names) on its way to a
 * terminal or a markdown view. Pure. JSON and SARIF need none of this: JSON escapes controls.
 */

/**
 * C0 and C1 controls, DEL, the Unicode line separators and the bidirectional overrides: what can
 * move a cursor, clear a screen, write a clipboard (OSC 52), forge a line or reorder what is read.
 */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROLS_AND_BREAKS =
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escaped(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
}

/** `s` with every control character written as `\xNN` (line breaks too, unless kept). */
export function escapeControls(s: string, keepLineBreaks = false): string {
  return s.replace(keepLineBreaks ? CONTROLS : CONTROLS_AND_BREAKS, escaped);
}

/** A file name as shown in text output: quoted (JSON-style) when it holds any control character. */
export function displayName(name: string): string {
  CONTROLS_AND_BREAKS.lastIndex = 0;
  return CONTROLS_AND_BREAKS.test(name) ? JSON.stringify(name) : name;
}

/** Text from input inside markdown: controls escaped, markdown and HTML punctuation inert. */
export function escapeMarkdown(s: string): string {
  return escapeControls(s).replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&');
}
