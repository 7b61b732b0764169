/**
 * The custom requests the client sends, mirrored from server/src/protocol (simulate.ts,
 * workspace.ts). eslint.config.mjs's client boundary currently also blocks server/src/protocol
 * (its `**\/server/src/*` pattern matches the protocol folder), so the client keeps this mirror;
 * client.test.ts checks that names and types stay identical to the server's declarations.
 */

export const SIMULATE_REQUEST = 'flushguard/simulate';
export const CHECK_WORKSPACE_REQUEST = 'flushguard/checkWorkspace';

export interface WirePosition {
  line: number;
  character: number;
}

export interface SimulateParams {
  uri: string;
  line?: number;
  range?: { start: WirePosition; end: WirePosition };
  preset?: string;
}

export interface CheckWorkspaceResult {
  files: number;
  analysed: number;
  findings: number;
  filesWithFindings: number;
  cancelled: boolean;
  elapsedMs: number;
}
