import { describe, expect, it } from 'vitest';
import { deriveSeed, fmix32 } from '../../src/workload/seeds.ts';

describe('deriveSeed', () => {
  it('gives each (seed, purpose) its own stream seed', () => {
    const seeds = [0, 1, 2, 2 ** 32, -1].flatMap((seed) => ['arrivals', 'corpus', 'questions'].map((label) => deriveSeed(seed, label)));
    expect(new Set(seeds).size).toBe(seeds.length);
    expect(deriveSeed(7, 'arrivals')).toBe(deriveSeed(7, 'arrivals'));
  });

  it('mixes with a bijection on 32-bit integers', () => {
    const outputs = new Set(Array.from({ length: 65_536 }, (_, i) => fmix32(i * 65_537)));
    expect(outputs.size).toBe(65_536);
  });
});
