// Errors of routing: each says what was wrong and what the caller can do about it.

import type { RequestId, WorkerId } from '../messages.ts';
import type { RoutingChoice } from './types.ts';
import { SimulatorError } from '../errors.ts';

/** Base class of every error thrown by src/routing. */
export class RoutingError extends SimulatorError {
  override readonly name: string = 'RoutingError';
}

/** No worker is alive: no strategy can choose, and the router rejects the request ('no-worker'). */
export class NoWorkerAliveError extends RoutingError {
  override readonly name = 'NoWorkerAliveError';
  constructor(readonly workerCount: number) {
    super(`no worker is alive (all ${workerCount} are down); reject the request or bring a worker up`);
  }
}

/** A strategy name that is not one of STRATEGY_NAMES. */
export class UnknownStrategyError extends RoutingError {
  override readonly name = 'UnknownStrategyError';
  constructor(readonly strategy: string, valid: readonly string[]) {
    super(`unknown strategy '${strategy}'; valid: ${valid.join(', ')}`);
  }
}

/** A strategy answered with a worker that does not exist or is down: a bug in that strategy. */
export class InvalidChoiceError extends RoutingError {
  override readonly name = 'InvalidChoiceError';
  constructor(readonly choice: RoutingChoice, why: string) {
    super(`strategy chose worker ${String(choice.workerId)} (rule '${choice.rule}'), ${why}; a strategy must return an alive worker's id`);
  }
}

/** A worker id outside 0..workers−1 given to the router's view or its index. */
export class UnknownWorkerError extends RoutingError {
  override readonly name = 'UnknownWorkerError';
  constructor(readonly workerId: WorkerId, readonly workerCount: number) {
    super(`worker ${String(workerId)} does not exist; worker ids are integers 0..${workerCount - 1}`);
  }
}

/** A request routed again while the view still counts it in flight. */
export class DuplicateRequestError extends RoutingError {
  override readonly name = 'DuplicateRequestError';
  constructor(readonly requestId: RequestId, readonly workerId: WorkerId) {
    super(`request '${requestId}' is already in flight on worker ${workerId}; finish it (onFinished) before routing it again`);
  }
}

/** An option of the router's view or of a strategy that is out of its range. */
export class RoutingOptionError extends RoutingError {
  override readonly name = 'RoutingOptionError';
}
