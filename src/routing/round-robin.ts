// Round-robin without hidden state: the position in the cycle is derived from the view's counts,
// so a strategy stays a pure function and two runs over the same view choose the same worker.

import { countAlive } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext } from './types.ts';

/** Rule: the (Σ sent) mod (alive count)-th alive worker, in id order. */
export function roundRobin(_request: RouteRequest, context: RoutingContext): RoutingChoice {
  const workers = context.workers;
  const alive = countAlive(workers);
  let total = 0;
  for (const worker of workers) total += worker.sent;
  const turn = total % alive;
  // NOTE: dead workers' past `sent` still count in the total; the cycle only shifts when one dies.
  let seen = 0;
  for (const worker of workers) {
    if (!worker.alive) continue;
    if (seen === turn) {
      return { workerId: worker.id, rule: 'round-robin', reason: `Σ sent ${total} mod ${alive} alive = ${turn} → worker ${worker.id}` };
    }
    seen++;
  }
  // Unreachable: turn < alive, so the loop returns.
  throw new Error('round-robin: alive count changed during the call');
}
