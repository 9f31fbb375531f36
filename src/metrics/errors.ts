// Errors of src/metrics: caller mistakes, and (in strict mode only) a bus that broke the
// one-terminal-state-per-request rule. Each message names the request or the value involved.

import type { RequestId } from '../messages.ts';
import { SimulatorError } from '../errors.ts';

/** Base class of every error thrown by src/metrics. */
export class MetricsError extends SimulatorError {
  override readonly name: string = 'MetricsError';
}

/** A recorder option out of range. */
export class MetricsOptionError extends MetricsError {
  override readonly name = 'MetricsOptionError';
}

/**
 * Strict mode only: a message that breaks conservation. `kind` says which rule:
 * 'duplicate' — a second submission, or a second terminal message (completed / rejected / failed);
 * 'orphan'    — a message about a request the recorder never saw submitted.
 */
export class AccountingError extends MetricsError {
  override readonly name = 'AccountingError';
  constructor(
    readonly kind: 'duplicate' | 'orphan',
    readonly requestId: RequestId,
    detail: string,
  ) {
    super(
      kind === 'duplicate'
        ? `request '${requestId}': ${detail}; each request is submitted once and ends once`
        : `request '${requestId}': ${detail} for a request never submitted; attach the recorder before the first submission`,
    );
  }
}
