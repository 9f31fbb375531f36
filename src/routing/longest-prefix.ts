// The pure prefix rule, kept to show its failure (DESIGN §4): when every request starts with the
// same block (a shared system prompt, Mooncake's conversation trace), the worker that served the
// first one matches every later one best, and everything piles onto it. cache-aware guards this.

import { pickBest } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, WorkerLoad } from './types.ts';

/** The alive worker with the most matched leading blocks, ties by the tie rule. */
export function longestMatchWorker(workers: readonly WorkerLoad[], matched: readonly number[]): WorkerLoad {
  return pickBest(workers, null, (a, b) => (matched[b.id] ?? 0) - (matched[a.id] ?? 0));
}

/** Rule: the most matched leading blocks; ties by the tie rule. */
export function longestPrefix(request: RouteRequest, context: RoutingContext): RoutingChoice {
  const chosen = longestMatchWorker(context.workers, context.matched);
  const matched = context.matched[chosen.id] ?? 0;
  return {
    workerId: chosen.id,
    rule: 'longest-prefix',
    reason: `longest match ${matched}/${request.hashes.length} blocks on worker ${chosen.id} (${chosen.inFlight} in flight)`,
  };
}
