// The dashboard's series over virtual time: bounded in size, exact sums per bucket.

import { describe, expect, it } from 'vitest';
import { TimeSeries } from '../../src/dashboard/time-series.ts';

describe('TimeSeries', () => {
  it('sums what falls into each bucket, from time 0 to the latest bucket used', () => {
    const series = new TimeSeries(100, 8);
    series.addAdmission(10, 16, 64);
    series.addAdmission(90, 48, 64);
    series.addTtft(250, 40);
    expect(series.points()).toEqual([
      { t: 0, hitRate: 0.5, ttftMeanMs: null, ttftMaxMs: null },
      { t: 100, hitRate: null, ttftMeanMs: null, ttftMaxMs: null },
      { t: 200, hitRate: null, ttftMeanMs: 40, ttftMaxMs: 40 },
    ]);
  });

  it('merges buckets in pairs when time runs past the last one, so a run of any length stays within maxBuckets', () => {
    const series = new TimeSeries(100, 4);
    series.addTtft(50, 10);
    series.addTtft(150, 30);
    series.addTtft(350, 5);
    series.addTtft(450, 7); // past 4 × 100 ms: buckets become 200 ms wide
    expect(series.bucketMs).toBe(200);
    expect(series.points().map((p) => [p.t, p.ttftMeanMs, p.ttftMaxMs])).toEqual([[0, 20, 30], [200, 5, 5], [400, 7, 7]]);
    series.addTtft(10_000, 1);
    expect(series.points().length).toBeLessThanOrEqual(4);
    expect(series.bucketMs).toBe(3200);
  });

  it('refuses an odd number of buckets, which could not merge in pairs', () => {
    expect(() => new TimeSeries(100, 5)).toThrow(/even/);
  });
});
