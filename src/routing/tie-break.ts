// The one tie rule every strategy shares (DESIGN §3.5): among equally good alive workers, the
// fewest in flight, then the fewest sent so far, then the lowest id. NOTE: never the lowest id
// alone, which piles every request of a lightly loaded cluster onto worker 0.

import { NoWorkerAliveError, RoutingError } from './errors.ts';
import type { WorkerLoad } from './types.ts';

/** Negative when `a` wins the tie rule over `b`: fewest in flight, fewest sent, lowest id. */
export function compareTie(a: WorkerLoad, b: WorkerLoad): number {
  return a.inFlight - b.inFlight || a.sent - b.sent || a.id - b.id;
}

/** How many workers are alive; throws NoWorkerAliveError when none is, since nothing can be chosen. */
export function countAlive(workers: readonly WorkerLoad[]): number {
  let alive = 0;
  for (const worker of workers) if (worker.alive) alive++;
  if (alive === 0) throw new NoWorkerAliveError(workers.length);
  return alive;
}

/**
 * The best alive worker that passes `candidates` (all alive ones when null) by `better`
 * (negative when `a` is better than `b`), ties by the tie rule. Throws NoWorkerAliveError when no
 * worker is alive, and a RoutingError when alive workers exist but none passes `candidates`.
 */
export function pickBest(
  workers: readonly WorkerLoad[],
  candidates: ((worker: WorkerLoad) => boolean) | null,
  better: (a: WorkerLoad, b: WorkerLoad) => number,
): WorkerLoad {
  let best: WorkerLoad | undefined;
  let alive = 0;
  for (const worker of workers) {
    if (!worker.alive) continue;
    alive++;
    if (candidates !== null && !candidates(worker)) continue;
    if (best === undefined) {
      best = worker;
      continue;
    }
    const order = better(worker, best) || compareTie(worker, best);
    if (order < 0) best = worker;
  }
  if (alive === 0) throw new NoWorkerAliveError(workers.length);
  if (best === undefined) throw new RoutingError(`none of the ${alive} alive workers passes the candidate filter`);
  return best;
}

/** The lowest and highest count (in flight by default, or waiting) among alive workers (call countAlive first). */
export function loadRange(workers: readonly WorkerLoad[], count: 'inFlight' | 'waiting' = 'inFlight'): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const worker of workers) {
    if (!worker.alive) continue;
    const n = worker[count];
    if (n < min) min = n;
    if (n > max) max = n;
  }
  return { min, max };
}

/**
 * One of `tied` (not empty) drawn uniformly: index ⌊random() × count⌋ in the given order. Draws
 * only when there is a tie, so a run without ties takes no draw (the peers' random ties).
 */
export function drawTie<T>(tied: readonly T[], random: () => number): { readonly item: T; readonly pick: number } {
  const pick = tied.length === 1 ? 0 : Math.floor(random() * tied.length);
  return { item: tied[pick]!, pick };
}
