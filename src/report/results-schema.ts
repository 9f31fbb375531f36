// The zod schema of results.json: every field, strictly (an unknown key is an error, so the schema
// stays the full description of the document). It is the one description of the document: its
// TypeScript type is inferred from it (`Results` and its parts below), and `buildResults` writes
// the keys in its order (schema-order.ts). `resultsSchema.parse(JSON.parse(text))` checks a file
// written by any version with the same RESULTS_VERSION.

import { z } from 'zod';
import type { DeepReadonly } from './schema-order.ts';

/** Bumped when a field is renamed or removed (adding fields keeps it). */
export const RESULTS_VERSION = 1;

const count = z.int().nonnegative();
const ms = z.number().nonnegative();
const fraction = z.number().min(0).max(1);

const dist = z.strictObject({ count, mean: ms, p50: ms, p95: ms, p99: ms, max: ms });

const status = z.strictObject({ count, e2e: dist, ttft: dist });

/** One strategy's run: its summary (src/metrics/summary.ts), plus what the report derives. */
const run = z.strictObject({
  strategy: z.string().min(1),
  /** The run's hit rates as fractions of the ideal bound's (1 when the stream has nothing to reuse). */
  ofIdeal: z.strictObject({ tokens: z.number().nonnegative(), blocks: z.number().nonnegative() }),
  requests: z.strictObject({ submitted: count, completed: count, rejected: count, failed: count, pending: count }),
  cache: z.strictObject({
    hitRate: fraction,
    blockHitRate: fraction,
    hitTokens: count,
    queriedTokens: count,
    hitBlocks: count,
    queriedBlocks: count,
    readmissions: z.strictObject({ count, hitBlocks: count, queriedBlocks: count }),
  }),
  latency: z.strictObject({ ttft: dist, e2e: dist, queue: dist }),
  hit: status,
  miss: status,
  workers: z.array(
    z.strictObject({ id: count, requests: count, served: count, hitRate: fraction, blockHitRate: fraction, evictions: count, preemptions: count }),
  ),
  loadImbalance: z.number().nonnegative(),
  /** Σ over workers. */
  preemptions: count,
  /** Σ over workers: blocks announced removed. */
  evictions: count,
  prediction: z.strictObject({
    requests: count,
    meanAbsError: z.number().nonnegative(),
    exact: fraction,
    overPredicted: fraction,
    underPredicted: fraction,
  }),
  matchedBlocks: z.array(z.strictObject({ blocks: count, count })),
  /** 101 quantiles (0 %, 1 %, ..., 100 %) of TTFT and e2e, ms (cdf.ts). */
  latencyCdf: z.strictObject({
    /** Time to first token, ms (completed requests with a first token). */
    ttft: z.array(ms),
    /** End-to-end latency, ms (completed requests). */
    e2e: z.array(ms),
  }),
  /** Hit rate and routed requests per worker in fixed windows of virtual time (timeline.ts). */
  timeline: z.strictObject({
    windowMs: ms,
    /** Worker ids, ascending; `routed[i]` of every window belongs to `workers[i]`. */
    workers: z.array(count),
    windows: z.array(
      z.strictObject({
        startMs: ms,
        endMs: ms,
        /** First admissions in the window. */
        admissions: count,
        /** Of those, the ones that found ≥ 1 cached block. */
        hits: count,
        /** Tokens: Σ cached blocks × block size / Σ prompt tokens, over the window's first admissions (0 if none). */
        hitRate: fraction,
        /** Blocks: Σ cached / Σ (cached + computed), over the window's first admissions (0 if none). */
        blockHitRate: fraction,
        /** Requests routed in the window, per worker, in the order of `Timeline.workers`. */
        routed: z.array(count),
      }),
    ),
  }),
  simulatedMs: ms,
});

/** What the host clock measured: the only part that differs between two runs of the same seed. */
const wall = z.strictObject({
  /** Host time of the whole scenario, ms (by default Σ runs). */
  totalMs: ms,
  runs: z.array(
    z.strictObject({
      strategy: z.string().min(1),
      /** Host time the run took, ms. */
      wallMs: ms,
      /** Virtual ms per wall ms: how much faster than real time (0 if wallMs is 0). */
      simulatedMsPerWallMs: z.number().nonnegative(),
      /** Completed requests per wall second (0 if wallMs is 0). */
      requestsPerWallSecond: z.number().nonnegative(),
    }),
  ),
});

/** The schema of results.json (version 1). */
export const resultsSchema = z.strictObject({
  version: z.literal(RESULTS_VERSION),
  scenario: z.string().min(1),
  seed: z.union([z.number(), z.string()]),
  config: z.record(z.string(), z.json()),
  /** The ideal prefix reuse of the request stream: one unbounded cache, every request in arrival order. */
  ideal: z.strictObject({
    hitBlocks: count,
    promptBlocks: count,
    blockHitRate: fraction,
    hitTokens: count,
    promptTokens: count,
    hitRate: fraction,
  }),
  runs: z.array(run),
  wall,
});

/** The results.json document, as the schema describes it. */
export type Results = DeepReadonly<z.output<typeof resultsSchema>>;
/** One strategy's run. */
export type ResultsRun = Results['runs'][number];
/** A run's hit rates as fractions of the ideal bound's. */
export type OfIdeal = ResultsRun['ofIdeal'];
/** The host-clock part of the document. */
export type WallTimes = Results['wall'];
/** One run's host-clock figures. */
export type WallRun = WallTimes['runs'][number];
/** Quantiles of a run's completed requests: `ttft[i]` and `e2e[i]` are the values at i / 100. */
export type LatencyCdf = ResultsRun['latencyCdf'];
/** A run cut into fixed windows of virtual time. */
export type Timeline = ResultsRun['timeline'];
/** One window of a timeline. */
export type TimelineWindow = Timeline['windows'][number];
