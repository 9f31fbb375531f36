// The zod schema of results.json: every field, strictly (an unknown key is an error, so the schema
// stays the full description of the document). `resultsSchema.parse(JSON.parse(text))` checks a
// file written by any version with the same RESULTS_VERSION.

import { z } from 'zod';
import type { Results } from './results.ts';

const count = z.int().nonnegative();
const ms = z.number().nonnegative();
const fraction = z.number().min(0).max(1);

const dist = z.strictObject({ count, mean: ms, p50: ms, p95: ms, p99: ms, max: ms });

const status = z.strictObject({ count, e2e: dist, ttft: dist });

const run = z.strictObject({
  strategy: z.string().min(1),
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
  preemptions: count,
  evictions: count,
  prediction: z.strictObject({
    requests: count,
    meanAbsError: z.number().nonnegative(),
    exact: fraction,
    overPredicted: fraction,
    underPredicted: fraction,
  }),
  matchedBlocks: z.array(z.strictObject({ blocks: count, count })),
  latencyCdf: z.strictObject({ ttft: z.array(ms), e2e: z.array(ms) }),
  timeline: z.strictObject({
    windowMs: ms,
    workers: z.array(count),
    windows: z.array(
      z.strictObject({
        startMs: ms,
        endMs: ms,
        admissions: count,
        hits: count,
        hitRate: fraction,
        blockHitRate: fraction,
        routed: z.array(count),
      }),
    ),
  }),
  simulatedMs: ms,
});

const wall = z.strictObject({
  totalMs: ms,
  runs: z.array(
    z.strictObject({
      strategy: z.string().min(1),
      wallMs: ms,
      simulatedMsPerWallMs: z.number().nonnegative(),
      requestsPerWallSecond: z.number().nonnegative(),
    }),
  ),
});

/** The schema of results.json (version 1). */
export const resultsSchema: z.ZodType<Results> = z.strictObject({
  version: z.literal(1),
  scenario: z.string().min(1),
  seed: z.union([z.number(), z.string()]),
  config: z.record(z.string(), z.json()),
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
