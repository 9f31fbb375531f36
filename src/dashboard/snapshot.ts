// What the dashboard page receives, many times a second: plain JSON, the whole picture each time
// (a page that connects late, or misses a snapshot, is never behind). Times are virtual ms.

import type { EngineState, WorkerId } from '../messages.ts';

/** A worker as the page draws it: its engine state, or down (killed, not restarted). */
export type WorkerStatus = EngineState | 'down';

/** A worker's KV cache at the moment of the snapshot; every block is exactly one of the three. */
export interface CacheView {
  readonly capacity: number | 'unbounded';
  /** Blocks held by a running or waiting sequence. */
  readonly used: number;
  /** Blocks no sequence holds that still hold a hash: findable, evicted first when space is needed. */
  readonly cachedFree: number;
  /** Blocks holding nothing. */
  readonly empty: number;
}

export interface WorkerView {
  readonly id: WorkerId;
  readonly status: WorkerStatus;
  /** Virtual ms spent in each status so far (the current one up to the snapshot's time). */
  readonly timeIn: Readonly<Record<WorkerStatus, number>>;
  /** Requests waiting for a prefill (the queue). */
  readonly waiting: number;
  /** Sequences being prefilled or decoded (the batch). */
  readonly running: number;
  /** Null until the cluster is sampled (the page is fed from messages alone before that). */
  readonly cache: CacheView | null;
  /** Requests the router sent here. */
  readonly routed: number;
  readonly completed: number;
  readonly preempted: number;
  /** Prompt tokens found cached ÷ prompt tokens, over first admissions here. */
  readonly hitRate: number;
}

/** One routing decision, as the router recorded it. */
export interface DecisionView {
  readonly at: number;
  readonly requestId: string;
  readonly workerId: WorkerId;
  readonly rule: string;
  readonly reason: string;
  readonly predictedBlocks: number;
}

/** Something going wrong, as it happens; equal events of one instant are counted in one entry. */
export interface FaultView {
  readonly at: number;
  readonly kind: 'down' | 'up' | 'stall' | 'retry' | 'failed' | 'rejected';
  readonly workerId: WorkerId | null;
  readonly count: number;
  readonly text: string;
}

/** One bucket of virtual time: the hit rate of the admissions and the TTFT of the first tokens in it. */
export interface SeriesPoint {
  /** The bucket's start. */
  readonly t: number;
  /** Null when nothing was admitted in the bucket. */
  readonly hitRate: number | null;
  /** Mean and largest TTFT of the first tokens in the bucket; null when there were none. */
  readonly ttftMeanMs: number | null;
  readonly ttftMaxMs: number | null;
}

export interface Totals {
  readonly submitted: number;
  readonly routed: number;
  readonly completed: number;
  readonly rejected: number;
  readonly failed: number;
  readonly retried: number;
  readonly preempted: number;
  /** Prompt tokens found cached ÷ prompt tokens, over every first admission. */
  readonly hitRate: number;
  /** Null before the first token. */
  readonly ttftMeanMs: number | null;
}

/** A strategy's run that ended, for the comparison under the live one. */
export interface FinishedRun {
  readonly strategy: string;
  readonly totals: Totals;
  readonly simulatedMs: number;
}

export interface DashboardSnapshot {
  readonly scenario: string;
  /** The strategy being run (or the last one, once done). */
  readonly strategy: string;
  /** 1-based position of the strategy among `strategies`. */
  readonly runIndex: number;
  readonly runCount: number;
  /** waiting: the workload is being built; running; done: every run ended. */
  readonly status: 'waiting' | 'running' | 'done';
  /** Virtual time of the snapshot. */
  readonly now: number;
  readonly totals: Totals;
  readonly workers: readonly WorkerView[];
  readonly series: { readonly bucketMs: number; readonly points: readonly SeriesPoint[] };
  /** How many routing decisions each rule made. */
  readonly rules: Readonly<Record<string, number>>;
  /** The latest decisions, newest first. */
  readonly decisions: readonly DecisionView[];
  /** The latest faults, newest first. */
  readonly faults: readonly FaultView[];
  readonly finished: readonly FinishedRun[];
}

/** What one run's state draws; the server adds the status and the runs already finished. */
export type LiveView = Omit<DashboardSnapshot, 'status' | 'finished'>;
