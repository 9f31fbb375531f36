// The root of every error the simulator throws for a caller's mistake or a run that cannot go on:
// `error instanceof SimulatorError` tells them from bugs (plain Errors, which mean an invariant
// broke). Each module's errors extend it through the module's own base; every message names the
// option, field, file or flag at fault.

/** Base class of every error of stateful-cache-router meant for its user. */
export class SimulatorError extends Error {
  override readonly name: string = 'SimulatorError';
}
