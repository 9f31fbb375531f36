// Rounding for printing only: summaries keep full precision, and a table or a log line rounds a
// copy. Integers (counts, ids, bucket bounds) come out unchanged.

import { MetricsOptionError } from './errors.ts';
import type { RunSummary } from './summary.ts';

/** A copy of `summary` with every number rounded to `digits` decimals (keys keep their order). */
export function roundSummary(summary: RunSummary, digits = 3): RunSummary {
  if (!Number.isInteger(digits) || digits < 0) {
    throw new MetricsOptionError(`digits must be an integer ≥ 0; got ${digits}`);
  }
  return roundDeep(summary, 10 ** digits) as RunSummary;
}

function roundDeep(value: unknown, scale: number): unknown {
  if (typeof value === 'number') {
    const rounded = Math.round(value * scale) / scale;
    return Object.is(rounded, -0) ? 0 : rounded;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => roundDeep(v, scale));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = roundDeep(v, scale);
    return out;
  }
  return value;
}
