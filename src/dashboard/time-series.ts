// A time series of bounded size over virtual time: sums per bucket, and when time runs past the
// last bucket, the buckets merge in pairs (their width doubles). A run of any length is at most
// `maxBuckets` points, each the exact sum over its interval, and the same messages always give
// the same points.

import type { SeriesPoint } from './snapshot.ts';

interface Bucket {
  hitTokens: number;
  queriedTokens: number;
  ttftSum: number;
  ttftCount: number;
  ttftMax: number;
}

const emptyBucket = (): Bucket => ({ hitTokens: 0, queriedTokens: 0, ttftSum: 0, ttftCount: 0, ttftMax: 0 });

export class TimeSeries {
  private buckets: Bucket[] = [];
  private width: number;

  constructor(
    /** Width of a bucket at first, in virtual ms. */
    initialBucketMs = 250,
    private readonly maxBuckets = 120,
  ) {
    if (maxBuckets < 2 || maxBuckets % 2 !== 0) throw new RangeError(`maxBuckets must be an even number ≥ 2, got ${maxBuckets}`);
    this.width = initialBucketMs;
  }

  /** Current bucket width in virtual ms. */
  get bucketMs(): number {
    return this.width;
  }

  /** Adds an admission's tokens at time `at`. */
  addAdmission(at: number, hitTokens: number, queriedTokens: number): void {
    const bucket = this.bucketAt(at);
    bucket.hitTokens += hitTokens;
    bucket.queriedTokens += queriedTokens;
  }

  /** Adds a first token's TTFT at time `at`. */
  addTtft(at: number, ttftMs: number): void {
    const bucket = this.bucketAt(at);
    bucket.ttftSum += ttftMs;
    bucket.ttftCount++;
    bucket.ttftMax = Math.max(bucket.ttftMax, ttftMs);
  }

  /** Every bucket from time 0 to the latest one used. */
  points(): SeriesPoint[] {
    return this.buckets.map((b, i) => ({
      t: i * this.width,
      hitRate: b.queriedTokens === 0 ? null : b.hitTokens / b.queriedTokens,
      ttftMeanMs: b.ttftCount === 0 ? null : b.ttftSum / b.ttftCount,
      ttftMaxMs: b.ttftCount === 0 ? null : b.ttftMax,
    }));
  }

  private bucketAt(at: number): Bucket {
    let index = Math.floor(Math.max(0, at) / this.width);
    while (index >= this.maxBuckets) {
      this.mergePairs();
      index = Math.floor(Math.max(0, at) / this.width);
    }
    while (this.buckets.length <= index) this.buckets.push(emptyBucket());
    return this.buckets[index]!;
  }

  private mergePairs(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i]!;
      const b = this.buckets[i + 1] ?? emptyBucket();
      merged.push({
        hitTokens: a.hitTokens + b.hitTokens,
        queriedTokens: a.queriedTokens + b.queriedTokens,
        ttftSum: a.ttftSum + b.ttftSum,
        ttftCount: a.ttftCount + b.ttftCount,
        ttftMax: Math.max(a.ttftMax, b.ttftMax),
      });
    }
    this.buckets = merged;
    this.width *= 2;
  }
}
