// The results.json document (DESIGN §3.10): one entry per strategy run on the same workload.
//
// Byte-identical for the same seed, everywhere outside `wall`:
//   - keys in the order written below (objects are built field by field, never spread), the
//     config's keys sorted;
//   - every number rounded by one rule (precision.ts): integers exact, others 6 significant digits;
//   - no wall-clock value, date, host name or absolute path outside `wall` (the config is checked
//     for absolute paths).
// `wall` holds what the host clock measured, which differs on every run.

import { mkdir } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { join } from 'node:path';
import type {
  LatencySummary,
  RunSummary,
  StatusSummary,
} from '../metrics/summary.ts';
import type { IdealSummary } from '../metrics/ideal-reuse.ts';
import type { RequestRecord } from '../metrics/request-record.ts';
import { ratio } from '../metrics/summary.ts';
import { latencyCdf, type LatencyCdf } from './cdf.ts';
import { canonicalConfig, type JsonObject } from './config.ts';
import { ReportInputError } from './errors.ts';
import { formatJson } from './json-format.ts';
import { roundDeep } from './precision.ts';
import { buildTimeline, type Timeline } from './timeline.ts';
import { DEFAULT_BLOCK_SIZE } from '../cache/hash.ts';

/** Bumped when a field is renamed or removed (adding fields keeps it). */
export const RESULTS_VERSION = 1;
export const RESULTS_FILE = 'results.json';

/** A run's hit rates as fractions of the ideal bound's (1 when the stream has nothing to reuse). */
export interface OfIdeal {
  readonly tokens: number;
  readonly blocks: number;
}

/** One strategy's run: its summary (src/metrics/summary.ts), plus what the report derives. */
export interface ResultsRun extends RunSummary {
  readonly strategy: string;
  readonly ofIdeal: OfIdeal;
  /** Σ over workers. */
  readonly preemptions: number;
  /** Σ over workers: blocks announced removed. */
  readonly evictions: number;
  /** 101 quantiles (0 %, 1 %, ..., 100 %) of TTFT and e2e, ms. */
  readonly latencyCdf: LatencyCdf;
  /** Hit rate and routed requests per worker in fixed windows of virtual time. */
  readonly timeline: Timeline;
}

export interface WallRun {
  readonly strategy: string;
  /** Host time the run took, ms. */
  readonly wallMs: number;
  /** Virtual ms per wall ms: how much faster than real time (0 if wallMs is 0). */
  readonly simulatedMsPerWallMs: number;
  /** Completed requests per wall second (0 if wallMs is 0). */
  readonly requestsPerWallSecond: number;
}

export interface WallTimes {
  /** Host time of the whole scenario, ms (by default Σ runs). */
  readonly totalMs: number;
  readonly runs: readonly WallRun[];
}

export interface Results {
  readonly version: typeof RESULTS_VERSION;
  readonly scenario: string;
  readonly seed: number | string;
  readonly config: JsonObject;
  /** The ideal prefix reuse of the request stream: one unbounded cache, every request in arrival order. */
  readonly ideal: IdealSummary;
  readonly runs: readonly ResultsRun[];
  /** The only part that differs between two runs of the same seed. */
  readonly wall: WallTimes;
}

/** What results.json reads of a run's records: its latency CDF and its timeline. */
export interface RunDetails {
  readonly latencyCdf: LatencyCdf;
  readonly timeline: Timeline;
}

/** Options that shape a run's details. */
export type DetailOptions = Pick<ResultsInput, 'blockSize' | 'timeline'>;

export interface RunInput {
  readonly strategy: string;
  readonly summary: RunSummary;
  /** The run's per-request records (`recorder.records()`, read once), for the timeline and the latency quantiles. */
  readonly records?: Iterable<RequestRecord>;
  /** Or what `runDetails` made of them where the run ran (a worker thread), so the records need not travel. */
  readonly details?: RunDetails;
  /** Host time the run took, ms; written under `wall` only. */
  readonly wallMs: number;
  /** The ideal bound of the run's request stream (`IdealReuse` on its bus). */
  readonly ideal: IdealSummary;
}

export interface ResultsInput {
  readonly scenario: string;
  readonly seed: number | string;
  /** The scenario's settings as plain JSON; keys are sorted, absolute paths refused. */
  readonly config: JsonObject;
  /** In the order the table and plots list them. */
  readonly runs: readonly RunInput[];
  /** Tokens per block (the recorder's), for the timeline's token hit rate; 16 by default. */
  readonly blockSize?: number;
  /** Timeline windows: a count across each run (30 by default) or a length in virtual ms. */
  readonly timeline?: { readonly windows?: number; readonly windowMs?: number };
  /** Host time of the whole scenario, ms; Σ of the runs' by default. */
  readonly wallTotalMs?: number;
}

/** The results document of a scenario's runs, rounded and ordered for byte-identical output. */
export function buildResults(input: ResultsInput): Results {
  const seen = new Set<string>();
  for (const { strategy, wallMs } of input.runs) {
    if (seen.has(strategy)) {
      throw new ReportInputError(`strategy '${strategy}' appears twice in runs; give each run a distinct name (e.g. '${strategy}-2')`);
    }
    seen.add(strategy);
    checkWall(wallMs, `wallMs of '${strategy}'`);
  }
  if (input.wallTotalMs !== undefined) checkWall(input.wallTotalMs, 'wallTotalMs');

  const ideal = idealOf(input.runs);
  const deterministic = {
    version: RESULTS_VERSION,
    scenario: input.scenario,
    seed: input.seed,
    config: canonicalConfig(input.config),
    ideal,
    runs: input.runs.map((run) => resultsRun(run, input, ideal)),
  } as const;
  const wall: WallTimes = {
    totalMs: input.wallTotalMs ?? input.runs.reduce((sum, r) => sum + r.wallMs, 0),
    runs: input.runs.map(wallRun),
  };
  return roundDeep({ ...deterministic, wall });
}

/** The document as written: 2-space JSON, short leaves on one line (json-format.ts), a trailing newline. */
export function serializeResults(results: Results): string {
  return `${formatJson(results)}\n`;
}

/** Creates `dir` if needed and writes `results.json` into it; returns the file's path. */
export async function writeResults(dir: string, results: Results): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, RESULTS_FILE);
  await writeFileAtomic(path, serializeResults(results)); // a failure leaves the old file or none, never half
  return path;
}

/**
 * The bound of the stream the runs share. Every run sees the same prompts; a generated block
 * reaches the bound only once stored, which can differ between runs when a next turn is sent
 * before its previous one ends, so the largest is kept (no run can exceed its own).
 */
function idealOf(runs: readonly RunInput[]): IdealSummary {
  const empty: IdealSummary = { hitBlocks: 0, promptBlocks: 0, blockHitRate: 0, hitTokens: 0, promptTokens: 0, hitRate: 0 };
  const best = runs.reduce((a, r) => (r.ideal.hitBlocks > a.hitBlocks ? r.ideal : a), runs[0]?.ideal ?? empty);
  return {
    hitBlocks: best.hitBlocks,
    promptBlocks: best.promptBlocks,
    blockHitRate: best.blockHitRate,
    hitTokens: best.hitTokens,
    promptTokens: best.promptTokens,
    hitRate: best.hitRate,
  };
}

/** `rate` as a fraction of the ideal `bound` (1 when the bound is 0: nothing could be reused). */
export function fractionOfIdeal(rate: number, bound: number): number {
  return bound === 0 ? 1 : ratio(rate, bound);
}

/** The latency CDF and the timeline of a run, from its records. */
export function runDetails(summary: RunSummary, records: Iterable<RequestRecord>, options: DetailOptions = {}): RunDetails {
  const all = [...records];
  return {
    latencyCdf: latencyCdf(all),
    timeline: buildTimeline(all, {
      endMs: summary.simulatedMs,
      blockSize: options.blockSize ?? DEFAULT_BLOCK_SIZE,
      workers: summary.workers.map((w) => w.id),
      ...(options.timeline?.windows !== undefined && { windows: options.timeline.windows }),
      ...(options.timeline?.windowMs !== undefined && { windowMs: options.timeline.windowMs }),
    }),
  };
}

function resultsRun(run: RunInput, input: ResultsInput, ideal: IdealSummary): ResultsRun {
  const s = run.summary;
  const details = run.details ?? (run.records === undefined ? undefined : runDetails(s, run.records, input));
  if (details === undefined) throw new ReportInputError(`run '${run.strategy}' has neither records nor details`);
  return {
    strategy: run.strategy,
    ofIdeal: {
      tokens: fractionOfIdeal(s.cache.hitRate, ideal.hitRate),
      blocks: fractionOfIdeal(s.cache.blockHitRate, ideal.blockHitRate),
    },
    requests: {
      submitted: s.requests.submitted,
      completed: s.requests.completed,
      rejected: s.requests.rejected,
      failed: s.requests.failed,
      pending: s.requests.pending,
    },
    cache: {
      hitRate: s.cache.hitRate,
      blockHitRate: s.cache.blockHitRate,
      hitTokens: s.cache.hitTokens,
      queriedTokens: s.cache.queriedTokens,
      hitBlocks: s.cache.hitBlocks,
      queriedBlocks: s.cache.queriedBlocks,
      readmissions: { count: s.cache.readmissions.count, hitBlocks: s.cache.readmissions.hitBlocks, queriedBlocks: s.cache.readmissions.queriedBlocks },
    },
    latency: { ttft: dist(s.latency.ttft), e2e: dist(s.latency.e2e), queue: dist(s.latency.queue) },
    hit: status(s.hit),
    miss: status(s.miss),
    workers: s.workers.map((w) => ({
      id: w.id,
      requests: w.requests,
      served: w.served,
      hitRate: w.hitRate,
      blockHitRate: w.blockHitRate,
      evictions: w.evictions,
      preemptions: w.preemptions,
    })),
    loadImbalance: s.loadImbalance,
    preemptions: s.workers.reduce((sum, w) => sum + w.preemptions, 0),
    evictions: s.workers.reduce((sum, w) => sum + w.evictions, 0),
    prediction: {
      requests: s.prediction.requests,
      meanAbsError: s.prediction.meanAbsError,
      exact: s.prediction.exact,
      overPredicted: s.prediction.overPredicted,
      underPredicted: s.prediction.underPredicted,
    },
    matchedBlocks: s.matchedBlocks.map((b) => ({ blocks: b.blocks, count: b.count })),
    latencyCdf: details.latencyCdf,
    timeline: details.timeline,
    simulatedMs: s.simulatedMs,
  };
}

function dist(d: LatencySummary['e2e']): LatencySummary['e2e'] {
  return { count: d.count, mean: d.mean, p50: d.p50, p95: d.p95, p99: d.p99, max: d.max };
}

function status(s: StatusSummary): StatusSummary {
  return { count: s.count, e2e: dist(s.e2e), ttft: dist(s.ttft) };
}

function wallRun(run: RunInput): WallRun {
  const { wallMs } = run;
  return {
    strategy: run.strategy,
    wallMs,
    simulatedMsPerWallMs: wallMs === 0 ? 0 : run.summary.simulatedMs / wallMs,
    requestsPerWallSecond: wallMs === 0 ? 0 : run.summary.requests.completed / (wallMs / 1000),
  };
}

function checkWall(ms: number, what: string): void {
  if (!Number.isFinite(ms) || ms < 0) throw new ReportInputError(`${what} must be a finite number of ms ≥ 0; got ${ms}`);
}
