// The results.json document (DESIGN §3.10): one entry per strategy run on the same workload.
//
// Its shape, its type and its key order are the schema's (results-schema.ts), said once there.
//
// Byte-identical for the same seed, everywhere outside `wall`:
//   - keys in the schema's order (whatever order the builder spreads them in), the config's keys
//     sorted;
//   - every number rounded by one rule (precision.ts): integers exact, others 6 significant digits;
//   - no wall-clock value, date, host name or absolute path outside `wall` (the config is checked
//     for absolute paths).
// `wall` holds what the host clock measured, which differs on every run.

import { mkdir } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { join } from 'node:path';
import type { RunSummary } from '../metrics/summary.ts';
import type { IdealSummary } from '../metrics/ideal-reuse.ts';
import type { RequestRecord } from '../metrics/request-record.ts';
import { ratio } from '../metrics/summary.ts';
import { latencyCdf, type LatencyCdf } from './cdf.ts';
import { canonicalConfig, type JsonObject } from './config.ts';
import { ReportInputError } from './errors.ts';
import { formatJson } from './json-format.ts';
import { roundDeep } from './precision.ts';
import { RESULTS_VERSION, resultsSchema, type Results } from './results-schema.ts';
import { inSchemaOrder } from './schema-order.ts';
import { buildTimeline, type Timeline } from './timeline.ts';
import { DEFAULT_BLOCK_SIZE } from '../cache/hash.ts';

export type { Results, ResultsRun } from './results-schema.ts';

export const RESULTS_FILE = 'results.json';

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
  const document = inSchemaOrder(resultsSchema, {
    version: RESULTS_VERSION,
    scenario: input.scenario,
    seed: input.seed,
    config: canonicalConfig(input.config),
    ideal,
    runs: input.runs.map((run) => resultsRun(run, input, ideal)),
    wall: {
      totalMs: input.wallTotalMs ?? input.runs.reduce((sum, r) => sum + r.wallMs, 0),
      runs: input.runs.map(wallRun),
    },
  });
  return roundDeep(document);
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
  return runs.reduce((a, r) => (r.ideal.hitBlocks > a.hitBlocks ? r.ideal : a), runs[0]?.ideal ?? empty);
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

/** One run's entry: its summary as it is, and what the report derives (in the schema's order once built). */
function resultsRun(run: RunInput, input: ResultsInput, ideal: IdealSummary) {
  const s = run.summary;
  const details = run.details ?? (run.records === undefined ? undefined : runDetails(s, run.records, input));
  if (details === undefined) throw new ReportInputError(`run '${run.strategy}' has neither records nor details`);
  return {
    ...s,
    strategy: run.strategy,
    ofIdeal: {
      tokens: fractionOfIdeal(s.cache.hitRate, ideal.hitRate),
      blocks: fractionOfIdeal(s.cache.blockHitRate, ideal.blockHitRate),
    },
    preemptions: s.workers.reduce((sum, w) => sum + w.preemptions, 0),
    evictions: s.workers.reduce((sum, w) => sum + w.evictions, 0),
    latencyCdf: details.latencyCdf,
    timeline: details.timeline,
  };
}

function wallRun(run: RunInput) {
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
