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

/** One worker's load, as the router sees it (its own counts of what it sent; never the worker's state). */
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
  /** Requests sent to it whose prefill has not finished: its queue, as the router counts it. */
  readonly waiting: number;
  /** The router's estimate of those requests' prefill, ms (their predicted uncached blocks, the latency model's formula). */
  readonly queuedPrefillMs: number;
  /** Prompt tokens of those requests (Dynamo's active prefill tokens). */
  readonly prefillTokens: number;
  /** Prompt tokens of those requests that the router predicted uncached there when it sent them. */
  readonly uncachedTokens: number;
  /** Distinct blocks of its in-flight requests' prompts: a shared block counts once (Dynamo's active blocks). */
  readonly activeBlocks: number;
  /** Blocks of KV cache (Infinity when unbounded). */
  readonly capacity: number;
  /** Entries (blocks) the view holds for it: its approximate tree's size, or its KV-event index. */
  readonly viewBlocks: number;
}

/** Everything a strategy may use; arrays are indexed by worker id. */
export interface RoutingContext {
  readonly now: number;
  readonly workers: readonly WorkerLoad[];
  /** Leading blocks of the request that the router believes each worker has cached. */
  readonly matched: readonly number[];
  /** Full blocks of the request that `worker`'s in-flight requests do not already hold (Dynamo's new blocks). */
  readonly newBlocks: (worker: WorkerId) => number;
  /** A uniform draw in [0, 1) from the run's seeded PRNG: random ties stay reproducible. */
  readonly random: () => number;
  /** How long a prefill of `blocks` uncached blocks takes, ms, by the cluster's latency model. */
  readonly prefillMs: (blocks: number) => number;
}

/** A strategy's answer: the worker, the rule that decided and that rule with its numbers. */
export interface RoutingChoice {
  readonly workerId: WorkerId;
  readonly rule: string;
  readonly reason: string;
}

/**
 * What the router believes each worker holds, as a strategy asks for it:
 *   'events' — the workers' KV events (exact, possibly late);
 *   'approx' — the router's own decisions: every prompt block it sent to a worker is assumed there,
 *              touched each time it is sent again, dropped when idle for `ttlMs` or, once the view
 *              holds more than `maxBlocks` (per worker, or for all workers together when `shared`),
 *              least recently touched first (deeper first among equals), checked every
 *              `evictionIntervalMs`. Without limits nothing is ever dropped.
 */
export type ViewSpec =
  | { readonly kind: 'events' }
  | {
      readonly kind: 'approx';
      readonly maxBlocks?: number;
      readonly shared?: boolean;
      readonly evictionIntervalMs?: number;
      readonly ttlMs?: number;
    };

/** A routing strategy: a pure function (a factory may close over configuration). */
export interface Strategy {
  (request: RouteRequest, context: RoutingContext): RoutingChoice;
  /** The view this strategy's policy reads (the peers bring their own); the run's `view` option when absent. */
  readonly view?: ViewSpec;
}
