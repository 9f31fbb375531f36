// What the bus has said about one request, kept as plain numbers so that millions of them stay
// cheap: token arrays are counted, never stored. A field is `undefined` until its message has
// been seen; every field exists from creation on, so all records share one object shape.
//
// First-wins rule: admission, prefill and first token keep the first occurrence (a preempted
// request is admitted and prefilled again; its latency counts from the first time). HIT/MISS is
// decided by the first admission, as the router's prediction is checked against it.

import type { RejectionCode, RequestId, WorkerId } from '../messages.ts';

export type RequestState = 'pending' | 'completed' | 'rejected' | 'failed';

/** Whether a request found at least one prompt block in the cache at its first admission. */
export type CacheStatus = 'HIT' | 'MISS';

export interface RequestRecord {
  readonly id: RequestId;
  readonly state: RequestState;
  readonly submittedAt: number;
  /** Tokens in the submitted prompt. */
  readonly promptLength: number;
  readonly maxTokens: number;

  /** Routing: the latest REQUEST.ROUTED before the first admission (a re-route replaces it). */
  readonly routedAt: number | undefined;
  readonly workerId: WorkerId | undefined;
  readonly rule: string | undefined;
  /** The rule with its numbers, as the strategy gave it. */
  readonly reason: string | undefined;
  readonly predictedBlocks: number | undefined;
  /** REQUEST.ROUTED messages seen for this request (more than one after a re-route or a kill). */
  readonly routings: number;
  /** The worker that completed it (after a kill, not the one it was first routed to); undefined unless completed. */
  readonly servedBy: WorkerId | undefined;

  /** First admission. */
  readonly admittedAt: number | undefined;
  readonly cachedBlocks: number | undefined;
  readonly computedBlocks: number | undefined;
  readonly promptTokens: number | undefined;
  /** Admissions, preemption re-admissions included. */
  readonly admissions: number;

  readonly prefilledAt: number | undefined;
  /** Time of the token with offset 0. */
  readonly firstTokenAt: number | undefined;
  /** Time of the latest token seen. */
  readonly lastTokenAt: number | undefined;
  readonly completedAt: number | undefined;
  /** Tokens counted from REQUEST.TOKENS, then the count REQUEST.COMPLETED states. */
  readonly outputTokens: number;
  readonly finish: 'length' | 'eos' | undefined;
  readonly preemptions: number;
  readonly rejected: { readonly at: number; readonly code: RejectionCode; readonly reason: string } | undefined;
  readonly failed: { readonly at: number; readonly reason: string } | undefined;
}

/** The recorder's writable view of a record; readers get `RequestRecord`. */
export type MutableRequestRecord = { -readonly [K in keyof RequestRecord]: RequestRecord[K] };

/** A fresh record for a request submitted at `at`. */
export function newRequestRecord(id: RequestId, at: number, promptLength: number, maxTokens: number): MutableRequestRecord {
  return {
    id,
    state: 'pending',
    submittedAt: at,
    promptLength,
    maxTokens,
    routedAt: undefined,
    workerId: undefined,
    rule: undefined,
    reason: undefined,
    predictedBlocks: undefined,
    routings: 0,
    servedBy: undefined,
    admittedAt: undefined,
    cachedBlocks: undefined,
    computedBlocks: undefined,
    promptTokens: undefined,
    admissions: 0,
    prefilledAt: undefined,
    firstTokenAt: undefined,
    lastTokenAt: undefined,
    completedAt: undefined,
    outputTokens: 0,
    finish: undefined,
    preemptions: 0,
    rejected: undefined,
    failed: undefined,
  };
}

/** HIT if the first admission found ≥ 1 cached block, MISS if none; undefined if never admitted. */
export function cacheStatus(record: RequestRecord): CacheStatus | undefined {
  if (record.cachedBlocks === undefined) return undefined;
  return record.cachedBlocks >= 1 ? 'HIT' : 'MISS';
}

/** Time to first token (first token − submission), in ms; undefined until both are known. */
export function ttftMs(record: RequestRecord): number | undefined {
  return record.firstTokenAt === undefined ? undefined : record.firstTokenAt - record.submittedAt;
}

/** End-to-end latency (completion − submission), in ms; undefined unless completed. */
export function e2eMs(record: RequestRecord): number | undefined {
  return record.completedAt === undefined ? undefined : record.completedAt - record.submittedAt;
}

/** Queueing delay (first admission − routing), in ms; undefined until both are known. */
export function queueMs(record: RequestRecord): number | undefined {
  return record.admittedAt === undefined || record.routedAt === undefined ? undefined : record.admittedAt - record.routedAt;
}
