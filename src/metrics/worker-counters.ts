// What the bus has said about one worker, as running totals. Cache counters add up every
// admission, preemption re-admissions included, as vLLM counts every prefix-cache query; the
// request-level HIT/MISS split uses first admissions only (see request-record.ts).

import type { WorkerId } from '../messages.ts';

export interface WorkerCounters {
  readonly id: WorkerId;
  /** REQUEST.ROUTED messages that chose this worker. */
  readonly requests: number;
  /** REQUEST.ADMITTED messages from this worker (re-admissions included). */
  readonly admissions: number;
  readonly completed: number;
  /** Σ cached blocks over admissions. */
  readonly hitBlocks: number;
  /** Σ (cached + computed) blocks over admissions. */
  readonly queriedBlocks: number;
  /** Σ cached blocks × block size over admissions. */
  readonly hitTokens: number;
  /** Σ prompt tokens over admissions (a re-admission's prompt includes its generated tokens). */
  readonly queriedTokens: number;
  /** Hashes announced in KV.STORED. */
  readonly storedBlocks: number;
  /** Hashes announced in KV.REMOVED. */
  readonly evictions: number;
  /** KV.CLEARED messages. NOTE: not in `evictions`: the message does not say how many blocks it dropped. */
  readonly clears: number;
  readonly preemptions: number;
}

/** The recorder's writable view of a worker's counters. */
export type MutableWorkerCounters = { -readonly [K in keyof WorkerCounters]: WorkerCounters[K] };

/** Counters at zero for a worker first seen now. */
export function newWorkerCounters(id: WorkerId): MutableWorkerCounters {
  return {
    id,
    requests: 0,
    admissions: 0,
    completed: 0,
    hitBlocks: 0,
    queriedBlocks: 0,
    hitTokens: 0,
    queriedTokens: 0,
    storedBlocks: 0,
    evictions: 0,
    clears: 0,
    preemptions: 0,
  };
}
