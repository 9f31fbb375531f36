// Checks of workload options. A bad option is a caller mistake: it throws at once, and the
// message names the option, the value and what would be valid.

import { SimulatorError } from '../errors.ts';

/** An option of a workload that cannot work as given. */
export class WorkloadOptionError extends SimulatorError {
  override readonly name = 'WorkloadOptionError';
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new WorkloadOptionError(`${name} is ${String(value)}; expected ${range}`);
  }
}

/** Throws unless `value` is a finite number > 0 (or ≥ 0 with `allowZero`). */
export function checkPositive(name: string, value: number, allowZero = false): void {
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0);
  if (!ok) throw new WorkloadOptionError(`${name} is ${String(value)}; expected a finite number ${allowZero ? '≥ 0' : '> 0'}`);
}
