// Errors of the cache: each names the numbers or the id involved, so that the message says
// what went wrong without a debugger.

import type { SequenceId } from './block-pool.ts';
import { SimulatorError } from '../errors.ts';

/** Base class of every error thrown by src/cache. */
export class CacheError extends SimulatorError {
  override readonly name: string = 'CacheError';
}

/** A sequence needs more blocks than the pool has in total: it can never run on this worker. */
/** A pool option that cannot be used (capacity, block size). */
export class CacheOptionError extends CacheError {
  override readonly name = 'CacheOptionError';
}

export class SequenceTooLargeError extends CacheError {
  override readonly name = 'SequenceTooLargeError';
  constructor(
    readonly sequence: SequenceId,
    readonly blocksNeeded: number,
    readonly capacity: number,
  ) {
    super(`sequence ${String(sequence)} needs ${blocksNeeded} blocks; a worker has ${capacity}`);
  }
}

/** The pool holds no sequence with this id, and has not released one with it recently. */
export class UnknownSequenceError extends CacheError {
  override readonly name = 'UnknownSequenceError';
  constructor(readonly sequence: SequenceId, operation: string) {
    super(`cannot ${operation} sequence ${String(sequence)}: the pool holds no such sequence`);
  }
}

/** The sequence was already released; releasing it again would corrupt the reference counts. */
export class DoubleReleaseError extends CacheError {
  override readonly name = 'DoubleReleaseError';
  constructor(readonly sequence: SequenceId) {
    super(`sequence ${String(sequence)} was already released; release each allocation once`);
  }
}

/** An allocation under an id that is still live. */
export class DuplicateSequenceError extends CacheError {
  override readonly name = 'DuplicateSequenceError';
  constructor(readonly sequence: SequenceId) {
    super(`sequence ${String(sequence)} is already allocated; release it before allocating it again`);
  }
}

/** A broken cache invariant (DESIGN §3.3): a bug in the pool, never in its caller's data. */
export class InvariantError extends CacheError {
  override readonly name = 'InvariantError';
}
