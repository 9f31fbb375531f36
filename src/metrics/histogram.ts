// Power-of-two buckets for matched prefix lengths: 0, 1, 2–3, 4–7, 8–15, 16–31, ... A bucket is
// named by its lower bound. Doubling widths keep a 900-block range to 11 buckets while single
// blocks stay visible at the short end, where most of the difference between HIT and MISS is.

export interface HistogramBucket {
  /** The bucket's lower bound: 0, 1, 2, 4, 8, ... */
  readonly blocks: number;
  readonly count: number;
}

/** Index of the bucket holding `n` (a count ≥ 0): 0 → 0, 1 → 1, 2–3 → 2, 4–7 → 3, ... */
export function bucketIndex(n: number): number {
  if (n < 1) return 0;
  return 1 + Math.floor(Math.log2(n));
}

/** Lower bound of bucket `index`. */
export function bucketLowerBound(index: number): number {
  return index === 0 ? 0 : 2 ** (index - 1);
}

/** Counts values into buckets; empty buckets below the highest filled one are kept (plots need them). */
export function powerOfTwoHistogram(values: Iterable<number>): readonly HistogramBucket[] {
  const counts: number[] = [];
  for (const v of values) {
    const i = bucketIndex(v);
    while (counts.length <= i) counts.push(0);
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((count, i) => ({ blocks: bucketLowerBound(i), count }));
}
