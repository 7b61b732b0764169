/**
 * Thrown for input the simulator refuses: an unknown preset id, absurd cache geometry, a transfer
 * too large to simulate. Callers (CLI, server, webview) catch this one class and show the message;
 * anything else escaping the simulator is a bug.
 */
export class SimulatorInputError extends Error {
  override readonly name = 'SimulatorInputError';
}

/** A scenario event that cannot run (page fault, unknown name): reported on the step, never thrown. */
export class RunError extends Error {
  override readonly name = 'RunError';
}
