// A seeded trace in the Mooncake format (one JSON object per line: timestamp ms, input_length,
// output_length, hash_ids of 512-token blocks), for users without the real traces:
//
//   - `groups` shared prefixes (a system prompt, a document), group g of prefixBlocks × (1 − g / (2 ×
//     groups)) blocks, rounded, at least 1: popular groups are the longer ones;
//   - each request picks its group by Zipf popularity (rank 0 most popular, exponent `zipf`) and
//     adds 1..2 × uniqueBlocks − 1 blocks of its own (ids never reused);
//   - Poisson arrivals at `rate` per second (integer ms); outputs exponential around `outputMean`,
//     in [1, 4 × outputMean].
//
// Ids are chained as in the real traces: equal ids mean the same block after the same prefix.
// input_length is consistent with the ids: ceil(input_length / 512) = len(hash_ids).

import { TRACE_BLOCK_TOKENS } from './mooncake.ts';
import { checkInteger, checkPositive } from './option-checks.ts';
import { createPrng } from '../prng.ts';
import { createZipfSampler } from './zipf.ts';

export interface MakeTraceOptions {
  readonly seed?: number;
  readonly requests?: number;
  readonly groups?: number;
  readonly zipf?: number;
  readonly prefixBlocks?: number;
  readonly uniqueBlocks?: number;
  /** Arrivals per simulated second. */
  readonly rate?: number;
  readonly outputMean?: number;
}

export const MAKE_TRACE_DEFAULTS = { seed: 1, requests: 2_000, groups: 32, zipf: 1.1, prefixBlocks: 12, uniqueBlocks: 6, rate: 4, outputMean: 256 } as const;

/** One line of a Mooncake trace. */
export interface TraceLine {
  readonly timestamp: number;
  readonly input_length: number;
  readonly output_length: number;
  readonly hash_ids: readonly number[];
}

/** The lines of a seeded Mooncake-format trace (see the header for the shape). */
export function makeMooncakeTrace(options: MakeTraceOptions = {}): TraceLine[] {
  const o = { ...MAKE_TRACE_DEFAULTS, ...options };
  checkInteger('requests', o.requests, 1);
  checkInteger('groups', o.groups, 1);
  checkInteger('prefixBlocks', o.prefixBlocks, 1);
  checkInteger('uniqueBlocks', o.uniqueBlocks, 1);
  checkPositive('zipf', o.zipf, true);
  checkPositive('rate', o.rate);
  checkPositive('outputMean', o.outputMean);
  const random = createPrng(o.seed);
  const group = createZipfSampler(o.groups, o.zipf, random);
  const prefixes = Array.from({ length: o.groups }, (_, g) => {
    const blocks = Math.max(1, Math.round(o.prefixBlocks * (1 - g / (2 * o.groups))));
    return Array.from({ length: blocks }, (_, k) => g * o.prefixBlocks + k);
  });
  let nextId = o.groups * o.prefixBlocks; // ids past every prefix's are a request's own
  let at = 0;
  const lines: TraceLine[] = [];
  for (let i = 0; i < o.requests; i++) {
    if (i > 0) at += -Math.log(1 - random()) * (1000 / o.rate);
    const own = 1 + Math.floor(random() * (2 * o.uniqueBlocks - 1));
    const hashIds = [...prefixes[group()]!];
    for (let k = 0; k < own; k++) hashIds.push(nextId++);
    const lastBlock = 1 + Math.floor(random() * TRACE_BLOCK_TOKENS); // the last block is partial
    const output = Math.min(4 * o.outputMean, Math.max(1, Math.round(-Math.log(1 - random()) * o.outputMean)));
    lines.push({ timestamp: Math.round(at), input_length: (hashIds.length - 1) * TRACE_BLOCK_TOKENS + lastBlock, output_length: output, hash_ids: hashIds });
  }
  return lines;
}

/** The trace as JSONL text, one line per request and a final newline. */
export function traceJsonl(lines: readonly TraceLine[]): string {
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}
