import { describe, expect, it } from 'vitest';
import { poissonArrivals } from '../../src/workload/poisson.ts';
import { createPrng } from '../../src/prng.ts';

describe('poissonArrivals', () => {
  it('starts at `start` and spaces arrivals by exponential gaps of mean 1000 / rate ms', () => {
    const at = poissonArrivals(20_000, 4, createPrng(1), 100);
    expect(at[0]).toBe(100);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    const mean = gaps.reduce((a, b) => a + b) / gaps.length;
    expect(Math.abs(mean - 250) / 250, `mean gap ${mean}`).toBeLessThan(0.03);
    // Exponential: about e^-1 of the gaps exceed the mean.
    const above = gaps.filter((g) => g > 250).length / gaps.length;
    expect(Math.abs(above - Math.exp(-1))).toBeLessThan(0.02);
  });

  it('gives nothing for no requests', () => {
    expect(poissonArrivals(0, 1, createPrng(1))).toEqual([]);
  });
});
