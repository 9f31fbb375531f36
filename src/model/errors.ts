// Errors of src/model: one line each that names the model and says what to do, so a command can
// print `error.message` alone (DESIGN §3.8: a model that cannot be loaded is a clear error, never a
// stack trace).

import { SimulatorError } from '../errors.ts';

/** Base class of every error thrown by src/model. */
export class ModelError extends SimulatorError {
  override readonly name: string = 'ModelError';
}

/** The model named by `model` could not be loaded; `reason` says why and what to do instead. */
export class ModelLoadError extends ModelError {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly model: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot load model '${model}': ${reason}`, options);
  }
}

/** A batch the source cannot run: the caller's mistake, named with its numbers. */
export class TokenBatchError extends ModelError {
  override readonly name = 'TokenBatchError';
}
