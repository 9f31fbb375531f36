// Least-loaded: the router's estimate of each worker's outstanding work (RouterView) decides.

import { pickBest } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, WorkerLoad } from './types.ts';

/** A duration for a reason string: at most one decimal, no trailing zero. */
export function formatMs(ms: number): string {
  return `${Math.round(ms * 10) / 10} ms`;
}

/** The alive worker with the lowest outstandingMs, ties by the tie rule. */
export function leastLoadedWorker(workers: readonly WorkerLoad[]): WorkerLoad {
  return pickBest(workers, null, (a, b) => a.outstandingMs - b.outstandingMs);
}

/** "lowest outstanding 120 ms on worker 1 (alive: 120 ms..560 ms)": the choice with its numbers. */
export function describeLeastLoaded(chosen: WorkerLoad, workers: readonly WorkerLoad[]): string {
  let max = -Infinity;
  for (const worker of workers) if (worker.alive && worker.outstandingMs > max) max = worker.outstandingMs;
  return `lowest outstanding ${formatMs(chosen.outstandingMs)} on worker ${chosen.id} (alive: ${formatMs(chosen.outstandingMs)}..${formatMs(max)})`;
}

/** Rule: the lowest estimated outstanding work (ms); ties by the tie rule. */
export function leastLoaded(_request: RouteRequest, context: RoutingContext): RoutingChoice {
  const chosen = leastLoadedWorker(context.workers);
  return { workerId: chosen.id, rule: 'least-loaded', reason: describeLeastLoaded(chosen, context.workers) };
}
