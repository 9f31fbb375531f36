// A run in one plain object (DESIGN §3.10): numbers only, keys in a fixed order, nothing rounded,
// no wall time (the caller adds it beside), so that the same run gives byte-identical JSON.
//
// Which requests each number covers:
//   - latency, hit, miss: completed requests (a completed request without a token with offset 0
//     is left out of ttft only);
//   - HIT / MISS: a completed request's first admission found ≥ 1 cached block / none;
//   - cache rates, per-worker rates: each request's first admission; re-admissions (after a
//     preemption or a kill) are counted apart in cache.readmissions;
//   - prediction, matchedBlocks: every request with a first admission, whatever its end.
// A ratio with a zero denominator is 0, never NaN.

import { mean } from 'simple-statistics';
import type { WorkerId } from '../messages.ts';
import { distribution, type Dist } from './distribution.ts';
import { powerOfTwoHistogram, type HistogramBucket } from './histogram.ts';
import type { MetricsRecorder } from './recorder.ts';
import { e2eMs, queueMs, ttftMs } from './request-record.ts';
import { newWorkerCounters, type WorkerCounters } from './worker-counters.ts';

export type { Dist } from './distribution.ts';
export type { HistogramBucket } from './histogram.ts';

export interface RequestCounts {
  readonly submitted: number;
  readonly completed: number;
  readonly rejected: number;
  readonly failed: number;
  /** Neither completed, rejected nor failed when the summary was taken. */
  readonly pending: number;
}

export interface CacheSummary {
  /** Tokens: Σ cached blocks × block size / Σ prompt tokens, over each request's first admission (vLLM's hits / queries). */
  readonly hitRate: number;
  /** Blocks: Σ cached blocks / Σ (cached + computed) blocks, over each request's first admission. */
  readonly blockHitRate: number;
  readonly hitTokens: number;
  readonly queriedTokens: number;
  readonly hitBlocks: number;
  readonly queriedBlocks: number;
  /** Admissions of requests admitted before (after a preemption or a kill), apart: they mostly find their own blocks. */
  readonly readmissions: { readonly count: number; readonly hitBlocks: number; readonly queriedBlocks: number };
}

export interface LatencySummary {
  /** First token − submission. */
  readonly ttft: Dist;
  /** Completion − submission. */
  readonly e2e: Dist;
  /** First admission − routing. */
  readonly queue: Dist;
}

export interface StatusSummary {
  /** Completed requests with this cache status. */
  readonly count: number;
  readonly e2e: Dist;
  readonly ttft: Dist;
}

export interface WorkerSummary {
  readonly id: WorkerId;
  /** Requests routed to it (a request re-routed after a kill counts on both workers). */
  readonly requests: number;
  /** Requests it completed. */
  readonly served: number;
  /** Token hit rate over its admissions. */
  readonly hitRate: number;
  /** Block hit rate over its admissions. */
  readonly blockHitRate: number;
  /** Blocks announced removed (KV.REMOVED hashes). */
  readonly evictions: number;
  readonly preemptions: number;
}

export interface PredictionSummary {
  /** Requests with both a routing decision and a first admission. */
  readonly requests: number;
  /** Mean |predicted − cached at first admission|, in blocks. */
  readonly meanAbsError: number;
  /** Fractions of `requests`: predicted = cached, predicted > cached, predicted < cached (they sum to 1). */
  readonly exact: number;
  readonly overPredicted: number;
  readonly underPredicted: number;
}

export interface RunSummary {
  readonly requests: RequestCounts;
  readonly cache: CacheSummary;
  readonly latency: LatencySummary;
  readonly hit: StatusSummary;
  readonly miss: StatusSummary;
  /** Every worker seen in any message or named in the options, sorted by id. */
  readonly workers: readonly WorkerSummary[];
  /** Max / mean of requests routed per worker; 1 = perfectly even, 0 when nothing was routed. */
  readonly loadImbalance: number;
  readonly prediction: PredictionSummary;
  /** Cached blocks at first admission, in power-of-two buckets (0, 1, 2–3, 4–7, ...). */
  readonly matchedBlocks: readonly HistogramBucket[];
  /** The latest virtual time seen, in ms. */
  readonly simulatedMs: number;
}

export interface SummarizeOptions {
  /** Workers that exist even if no message named them (they count in loadImbalance with 0 requests). */
  readonly workers?: readonly WorkerId[];
}

/** The summary of everything `recorder` has gathered so far. */
export function summarize(recorder: MetricsRecorder, options: SummarizeOptions = {}): RunSummary {
  const ttft: number[] = [];
  const e2e: number[] = [];
  const queue: number[] = [];
  const hitE2e: number[] = [];
  const hitTtft: number[] = [];
  const missE2e: number[] = [];
  const missTtft: number[] = [];
  const matched: number[] = [];
  const absErrors: number[] = [];
  let exact = 0;
  let over = 0;

  for (const r of recorder.records()) {
    if (r.cachedBlocks !== undefined) {
      matched.push(r.cachedBlocks);
      if (r.predictedBlocks !== undefined) {
        const error = r.predictedBlocks - r.cachedBlocks;
        absErrors.push(Math.abs(error));
        if (error === 0) exact++;
        else if (error > 0) over++;
      }
    }
    const total = e2eMs(r);
    if (r.state !== 'completed' || total === undefined) continue;
    const first = ttftMs(r);
    const waited = queueMs(r);
    e2e.push(total);
    if (first !== undefined) ttft.push(first);
    if (waited !== undefined) queue.push(waited);
    if (r.cachedBlocks === undefined) continue;
    const hit = r.cachedBlocks >= 1;
    (hit ? hitE2e : missE2e).push(total);
    if (first !== undefined) (hit ? hitTtft : missTtft).push(first);
  }

  const workers = allWorkers(recorder, options.workers ?? []);
  const predicted = absErrors.length;
  const { submitted, completed, rejected, failed, pending } = recorder.accounting();
  return {
    requests: { submitted, completed, rejected, failed, pending },
    cache: cacheSummary(workers, recorder.blockSize),
    latency: { ttft: distribution(ttft), e2e: distribution(e2e), queue: distribution(queue) },
    hit: { count: hitE2e.length, e2e: distribution(hitE2e), ttft: distribution(hitTtft) },
    miss: { count: missE2e.length, e2e: distribution(missE2e), ttft: distribution(missTtft) },
    workers: workers.map((w) => ({
      id: w.id,
      requests: w.requests,
      served: w.completed,
      hitRate: ratio(w.hitTokens, w.queriedTokens),
      blockHitRate: ratio(w.hitBlocks, w.queriedBlocks),
      evictions: w.evictions,
      preemptions: w.preemptions,
    })),
    loadImbalance: loadImbalance(workers.map((w) => w.requests)),
    prediction: {
      requests: predicted,
      meanAbsError: predicted === 0 ? 0 : mean(absErrors),
      exact: ratio(exact, predicted),
      overPredicted: ratio(over, predicted),
      underPredicted: ratio(predicted - exact - over, predicted),
    },
    matchedBlocks: powerOfTwoHistogram(matched),
    simulatedMs: recorder.simulatedMs,
  };
}

/** Max / mean of per-worker request counts; 0 when there are no workers or no requests. */
export function loadImbalance(requestsPerWorker: readonly number[]): number {
  if (requestsPerWorker.length === 0) return 0;
  const average = mean(requestsPerWorker);
  return average === 0 ? 0 : Math.max(...requestsPerWorker) / average;
}

/** The recorder's workers plus the named ones it never heard from, sorted by id. */
function allWorkers(recorder: MetricsRecorder, named: readonly WorkerId[]): readonly WorkerCounters[] {
  const seen = recorder.workers();
  const ids = new Set(seen.map((w) => w.id));
  const silent = [...new Set(named)].filter((id) => !ids.has(id)).map(newWorkerCounters);
  return silent.length === 0 ? seen : [...seen, ...silent].sort((a, b) => a.id - b.id);
}

function cacheSummary(workers: readonly WorkerCounters[], blockSize: number): CacheSummary {
  let hitBlocks = 0;
  let queriedBlocks = 0;
  let queriedTokens = 0;
  const readmissions = { count: 0, hitBlocks: 0, queriedBlocks: 0 };
  for (const w of workers) {
    hitBlocks += w.hitBlocks;
    queriedBlocks += w.queriedBlocks;
    queriedTokens += w.queriedTokens;
    readmissions.count += w.readmissions;
    readmissions.hitBlocks += w.readmissionHitBlocks;
    readmissions.queriedBlocks += w.readmissionQueriedBlocks;
  }
  const hitTokens = hitBlocks * blockSize;
  return {
    hitRate: ratio(hitTokens, queriedTokens),
    blockHitRate: ratio(hitBlocks, queriedBlocks),
    hitTokens,
    queriedTokens,
    hitBlocks,
    queriedBlocks,
    readmissions,
  };
}

/** numerator / denominator, 0 when the denominator is 0. */
export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
