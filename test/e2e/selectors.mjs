// VS Code workbench selectors (internals, pinned with code-server 4.100.3 / VS Code 1.100.3) and
// the simulation view's own ids, kept in one place. Checked by running test/e2e against that build.
export const S = {
  workbench: '.monaco-workbench .explorer-folders-view',
  editorPart: '.monaco-workbench .part.editor',
  quickInput: '.quick-input-widget input',
  quickRow: '.quick-input-list .monaco-list-row',
  editorLines: '.monaco-editor .view-lines',
  squiggle: '.monaco-editor .squiggly-warning, .monaco-editor .squiggly-error',
  problemRow: '.markers-panel .monaco-list-row',
  actionRow: '.action-widget .monaco-list-row, .context-view .action-item',
  actionFocused: '.action-widget .monaco-list-row.focused',
  codeLens: '.contentWidgets .codelens-decoration a',
  selectionStatus: '#status\\.editor\\.selection',
  webviewOuter: 'iframe.webview',
  webviewInner: '#active-frame',
  // simulation view (simulator/src/webview/view.ts)
  title: '#fg-title',
  verdict: (run) => `#fg-verdict-${run}`,
  firstBad: (run) => `#fg-first-bad-${run}`,
  preset: '#fg-preset',
  position: '#fg-position',
  stepForward: '#fg-step',
  stepBack: '#fg-back',
  play: '#fg-play',
  steps: '#fg-steps',
  row: '.fg-row',
};
