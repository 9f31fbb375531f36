// A run cut into fixed windows of virtual time, for the "hit rate over time" plot and the load on
// each worker as the run goes on. One pass over the per-request records:
//   - a request's first admission falls in the window that holds `admittedAt`; the window counts
//     it once (`admissions`), as a HIT if it found ≥ 1 cached block, and adds its cached and
//     computed blocks and prompt tokens to the window's rates;
//   - a request's routing falls in the window that holds `routedAt`, on the worker it was sent to.
// Window i covers [i × windowMs, (i + 1) × windowMs); the last one also takes its end and anything
// later. So Σ admissions over the windows = requests with a first admission, and Σ routed =
// requests routed (the same sets as RunSummary.matchedBlocks and the workers' `requests` when every
// routing was final).
// NOTE: first admissions only, as records keep them: a window's rate leaves out preemption
// re-admissions, which RunSummary.cache counts. On runs without preemptions the two agree.

import type { WorkerId } from '../messages.ts';
import type { RequestRecord } from '../metrics/request-record.ts';
import { ReportInputError } from './errors.ts';
import type { Timeline } from './results-schema.ts';
import { DEFAULT_BLOCK_SIZE } from '../cache/hash.ts';

/** Windows across a run, 30 by default. */
export const DEFAULT_WINDOWS = 30;
/** More windows than this is a mistake (a window length in seconds taken for ms, say). */
export const MAX_WINDOWS = 100_000;

export interface TimelineOptions {
  /** The run's end in virtual ms (RunSummary.simulatedMs); by default the latest routing or admission seen. */
  readonly endMs?: number;
  /** How many equal windows span [0, endMs]; 30 by default. Ignored when `windowMs` is given. */
  readonly windows?: number;
  /** Window length in virtual ms; the window count is then ceil(endMs / windowMs) (at least 1). */
  readonly windowMs?: number;
  /** Tokens per block, for the token hit rate; 16 by default. */
  readonly blockSize?: number;
  /** Workers to list even if nothing was routed to them. */
  readonly workers?: readonly WorkerId[];
}

// The shape of a timeline is results.json's (results-schema.ts).
export type { Timeline, TimelineWindow } from './results-schema.ts';

/** Per-window sums while the records are read. */
interface Accumulator {
  admissions: number;
  hits: number;
  cachedBlocks: number;
  queriedBlocks: number;
  promptTokens: number;
  routed: Map<WorkerId, number>;
}

/** Hit rate and per-worker routed counts in fixed windows of virtual time. */
export function buildTimeline(records: Iterable<RequestRecord>, options: TimelineOptions = {}): Timeline {
  const list = [...records];
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  const endMs = options.endMs ?? latestTime(list);
  const { count, windowMs } = windowLayout(endMs, options);
  const sums: Accumulator[] = Array.from({ length: count }, () => ({
    admissions: 0,
    hits: 0,
    cachedBlocks: 0,
    queriedBlocks: 0,
    promptTokens: 0,
    routed: new Map(),
  }));
  const windowOf = (t: number): Accumulator =>
    sums[windowMs === 0 ? 0 : Math.max(0, Math.min(count - 1, Math.floor(t / windowMs)))] as Accumulator;

  const workers = new Set<WorkerId>(options.workers ?? []);
  for (const r of list) {
    if (r.routedAt !== undefined && r.workerId !== undefined) {
      workers.add(r.workerId);
      const routed = windowOf(r.routedAt).routed;
      routed.set(r.workerId, (routed.get(r.workerId) ?? 0) + 1);
    }
    if (r.admittedAt !== undefined && r.cachedBlocks !== undefined) {
      const w = windowOf(r.admittedAt);
      w.admissions++;
      if (r.cachedBlocks >= 1) w.hits++;
      w.cachedBlocks += r.cachedBlocks;
      w.queriedBlocks += r.cachedBlocks + (r.computedBlocks ?? 0);
      w.promptTokens += r.promptTokens ?? 0;
    }
  }

  const ids = [...workers].sort((a, b) => a - b);
  return {
    windowMs,
    workers: ids,
    windows: sums.map((w, i) => ({
      startMs: i * windowMs,
      endMs: (i + 1) * windowMs,
      admissions: w.admissions,
      hits: w.hits,
      hitRate: ratio(w.cachedBlocks * blockSize, w.promptTokens),
      blockHitRate: ratio(w.cachedBlocks, w.queriedBlocks),
      routed: ids.map((id) => w.routed.get(id) ?? 0),
    })),
  };
}

/** The window count and length for a run ending at `endMs`; one window of length 0 if it never advanced. */
export function windowLayout(endMs: number, options: Pick<TimelineOptions, 'windows' | 'windowMs'> = {}): { count: number; windowMs: number } {
  if (!Number.isFinite(endMs) || endMs < 0) {
    throw new ReportInputError(`endMs must be a finite time ≥ 0 in virtual ms (RunSummary.simulatedMs); got ${endMs}`);
  }
  if (options.windowMs !== undefined) {
    const { windowMs } = options;
    if (!Number.isFinite(windowMs) || windowMs <= 0) {
      throw new ReportInputError(`windowMs must be a positive number of virtual ms; got ${windowMs}`);
    }
    const count = Math.max(1, Math.ceil(endMs / windowMs));
    if (count > MAX_WINDOWS) {
      throw new ReportInputError(`windowMs ${windowMs} cuts a ${endMs} ms run into ${count} windows (at most ${MAX_WINDOWS}); is it in ms?`);
    }
    return { count, windowMs };
  }
  const windows = options.windows ?? DEFAULT_WINDOWS;
  if (!Number.isInteger(windows) || windows < 1 || windows > MAX_WINDOWS) {
    throw new ReportInputError(`windows must be an integer from 1 to ${MAX_WINDOWS}; got ${windows}`);
  }
  if (endMs === 0) return { count: 1, windowMs: 0 };
  return { count: windows, windowMs: endMs / windows };
}

/** The latest routing or first admission among `records`, 0 if none. */
function latestTime(records: readonly RequestRecord[]): number {
  let latest = 0;
  for (const r of records) {
    if (r.routedAt !== undefined && r.routedAt > latest) latest = r.routedAt;
    if (r.admittedAt !== undefined && r.admittedAt > latest) latest = r.admittedAt;
  }
  return latest;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}
