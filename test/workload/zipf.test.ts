import { describe, expect, it } from 'vitest';
import { createPrng } from '../../src/prng.ts';
import { createZipfSampler } from '../../src/workload/zipf.ts';

/** Draw counts per rank over `draws` draws. */
function histogram(n: number, exponent: number, draws: number): number[] {
  const draw = createZipfSampler(n, exponent, createPrng(5));
  const counts = Array<number>(n).fill(0);
  for (let i = 0; i < draws; i++) counts[draw()]!++;
  return counts;
}

describe('createZipfSampler', () => {
  it('draws rank r with probability ∝ 1 / (r + 1)^s', () => {
    const counts = histogram(50, 1.1, 200_000);
    const total = Array.from({ length: 50 }, (_, r) => 1 / Math.pow(r + 1, 1.1)).reduce((a, b) => a + b);
    for (const r of [0, 1, 4, 20]) {
      const expected = (200_000 / Math.pow(r + 1, 1.1)) / total;
      expect(Math.abs(counts[r]! - expected) / expected, `rank ${r}: ${counts[r]} vs ${expected.toFixed(0)}`).toBeLessThan(0.05);
    }
  });

  it('is uniform at exponent 0 and stays within [0, n)', () => {
    const counts = histogram(10, 0, 100_000);
    expect(counts.every((c) => c > 9_500 && c < 10_500)).toBe(true);
    expect(histogram(1, 2, 100)).toEqual([100]);
  });
});
