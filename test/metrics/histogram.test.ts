import { describe, expect, it } from 'vitest';
import { bucketIndex, bucketLowerBound, powerOfTwoHistogram } from '../../src/metrics/histogram.ts';

describe('powerOfTwoHistogram', () => {
  it('puts 0, 1, 2–3, 4–7, 8–15, ... in buckets named by their lower bound', () => {
    const edges = [0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 923, 924];
    expect(edges.map(bucketIndex)).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 10, 10]);
    expect([0, 1, 2, 3, 4, 10].map(bucketLowerBound)).toEqual([0, 1, 2, 4, 8, 512]);
  });

  it('keeps empty buckets below the highest filled one, and none above', () => {
    expect(powerOfTwoHistogram([9, 0])).toEqual([
      { blocks: 0, count: 1 },
      { blocks: 1, count: 0 },
      { blocks: 2, count: 0 },
      { blocks: 4, count: 0 },
      { blocks: 8, count: 1 },
    ]);
    expect(powerOfTwoHistogram([])).toEqual([]);
  });
});
