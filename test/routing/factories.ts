// Small factories shared by the routing tests.

import type { BlockHash } from '../../src/cache/hash.ts';
import { DEFAULT_LATENCY, prefillMs } from '../../src/latency-model.ts';
import { idleWorkerLoad } from '../../src/routing/router-view.ts';
import type { RouteRequest, RoutingContext, WorkerLoad } from '../../src/routing/types.ts';

/** Readable stand-ins for chained hashes: chain('a', 3) → a0, a1, a2. */
export const chain = (name: string, n: number, from = 0): BlockHash[] =>
  Array.from({ length: n }, (_, i) => `${name}${from + i}` as BlockHash);

/** A request of full 16-token blocks with these hashes. */
export const makeRequest = (id: string, hashes: BlockHash[], maxTokens = 100): RouteRequest => ({
  id,
  hashes,
  promptTokens: hashes.length * 16,
  maxTokens,
});

/** Worker loads from partial rows; ids are the row indexes, alive and empty by default, 924 blocks each. */
export const makeWorkers = (rows: Partial<Omit<WorkerLoad, 'id'>>[]): WorkerLoad[] => rows.map((row, id) => ({ ...idleWorkerLoad(id, 924), ...row }));

export interface ContextExtras {
  readonly now?: number;
  /** Dynamo's new blocks per worker (default 0). */
  readonly newBlocks?: readonly number[];
  /** The draws random ties take, in order (default: always 0). */
  readonly draws?: readonly number[];
}

/** `context` with its random() draws counted. */
export function countingDraws(context: RoutingContext): { context: RoutingContext; draws: () => number } {
  let draws = 0;
  return {
    context: { ...context, random: () => (draws++, context.random()) },
    draws: () => draws,
  };
}

/** A context over these loads; `matched` defaults to 0 everywhere. */
export const makeContext = (
  workers: WorkerLoad[],
  matched: number[] = workers.map(() => 0),
  nowOrExtras: number | ContextExtras = 0,
): RoutingContext => {
  const extras: ContextExtras = typeof nowOrExtras === 'number' ? { now: nowOrExtras } : nowOrExtras;
  const draws = [...(extras.draws ?? [])];
  return {
    now: extras.now ?? 0,
    workers,
    matched,
    newBlocks: (w) => extras.newBlocks?.[w] ?? 0,
    random: () => draws.shift() ?? 0,
    prefillMs: (blocks) => prefillMs(DEFAULT_LATENCY, blocks),
  };
};
