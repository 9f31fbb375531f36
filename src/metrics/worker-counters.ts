// What the bus has said about one worker, as running totals. Cache counters add up each request's
// first admission (DESIGN §3.10): a request preempted and admitted again finds its own blocks, which
// says nothing of routing, so re-admissions (after a preemption, or on another worker after a kill)
// are counted apart.

import type { WorkerId } from '../messages.ts';

export interface WorkerCounters {
  readonly id: WorkerId;
  /** REQUEST.ROUTED messages that chose this worker. */
  readonly requests: number;
  /** REQUEST.ADMITTED messages from this worker (re-admissions included). */
  readonly admissions: number;
  /** Of those, admissions of a request admitted before (after a preemption or a kill). */
  readonly readmissions: number;
  readonly completed: number;
  /** Σ cached blocks over first admissions. */
  readonly hitBlocks: number;
  /** Σ (cached + computed) blocks over first admissions. */
  readonly queriedBlocks: number;
  /** Σ cached blocks × block size over first admissions. */
  readonly hitTokens: number;
  /** Σ prompt tokens over first admissions. */
  readonly queriedTokens: number;
  /** Σ cached blocks over re-admissions. */
  readonly readmissionHitBlocks: number;
  /** Σ (cached + computed) blocks over re-admissions (a re-admission's prompt includes its generated tokens). */
  readonly readmissionQueriedBlocks: number;
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
    readmissions: 0,
    completed: 0,
    hitBlocks: 0,
    queriedBlocks: 0,
    hitTokens: 0,
    queriedTokens: 0,
    readmissionHitBlocks: 0,
    readmissionQueriedBlocks: 0,
    storedBlocks: 0,
    evictions: 0,
    clears: 0,
    preemptions: 0,
  };
}
