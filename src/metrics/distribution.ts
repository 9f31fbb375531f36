// A latency distribution in five numbers. One quantile definition everywhere: simple-statistics
// `quantileSorted`, linear interpolation between closest ranks (R type 7, numpy's default):
//   q(p) = x[⌊h⌋] + (h − ⌊h⌋) × (x[⌊h⌋ + 1] − x[⌊h⌋]),  h = (n − 1) × p,  x sorted ascending.
// An empty set gives count 0 and zeros, never NaN, so that a summary is always valid JSON.

import { mean, quantileSorted } from 'simple-statistics';

export interface Dist {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** The distribution of no values: all zeros. */
export const EMPTY_DIST: Dist = { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };

/** Count, mean, p50/p95/p99 (R type 7) and max of `values`, which it sorts in place. */
export function distribution(values: number[]): Dist {
  const n = values.length;
  if (n === 0) return EMPTY_DIST;
  values.sort((a, b) => a - b);
  return {
    count: n,
    mean: mean(values),
    p50: quantileSorted(values, 0.5),
    p95: quantileSorted(values, 0.95),
    p99: quantileSorted(values, 0.99),
    max: values[n - 1] as number,
  };
}
