// What a routing strategy sees and returns. Strategies are pure functions of these (DESIGN §3.5):
// the router builds a RoutingContext from its view, asks the strategy, and records the choice.

import type { BlockHash } from '../cache/hash.ts';
import type { RequestId, WorkerId } from '../messages.ts';

/** The request as the router sees it when it decides. */
export interface RouteRequest {
  readonly id: RequestId;
  /** The prompt's full-block hashes. */
  readonly hashes: readonly BlockHash[];
  readonly promptTokens: number;
  readonly maxTokens: number;
}

/** One worker's load, as the router sees it. */
export interface WorkerLoad {
  readonly id: WorkerId;
  /** A worker that is down is never chosen. */
  readonly alive: boolean;
  /** Requests sent to it that have not completed, been rejected or failed. */
  readonly inFlight: number;
  /** Requests sent to it so far. */
  readonly sent: number;
  /** The router's estimate of the work queued and running there, in ms. */
  readonly outstandingMs: number;
}

/** Everything a strategy may use; arrays are indexed by worker id. */
export interface RoutingContext {
  readonly now: number;
  readonly workers: readonly WorkerLoad[];
  /** Leading blocks of the request that the router believes each worker has cached. */
  readonly matched: readonly number[];
}

/** A strategy's answer: the worker, the rule that decided and that rule with its numbers. */
export interface RoutingChoice {
  readonly workerId: WorkerId;
  readonly rule: string;
  readonly reason: string;
}

/** A routing strategy: a pure function (a factory may close over configuration). */
export type Strategy = (request: RouteRequest, context: RoutingContext) => RoutingChoice;
