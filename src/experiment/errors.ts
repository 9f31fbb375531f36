// Errors of src/experiment: a sweep file or a sweep folder that cannot be used as given. Each
// message starts with the file (and the field) at fault.

import { SimulatorError } from '../errors.ts';

/** A sweep file, a shard or a sweep folder that cannot be used; the message names the field or file. */
export class SweepError extends SimulatorError {
  override readonly name = 'SweepError';
}
