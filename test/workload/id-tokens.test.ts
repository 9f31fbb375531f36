import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VOCAB_SIZE, idTokens, promptOfIds } from '../../src/workload/id-tokens.ts';

describe('idTokens', () => {
  it('gives B × 16 token ids in [0, 50257)', () => {
    for (const b of [1, 2, 7]) {
      const tokens = idTokens('12345', b);
      expect(tokens).toHaveLength(b * 16);
      expect(tokens.every((t) => Number.isInteger(t) && t >= 0 && t < VOCAB_SIZE)).toBe(true);
    }
  });

  it('depends only on the id: the same id gives the same tokens every time, B blocks extending B − 1', () => {
    expect(idTokens('42')).toEqual(idTokens('42'));
    expect(idTokens('42', 3).slice(0, 32)).toEqual(idTokens('42', 2));
  });

  it('pins the tokens of id 0 (a change here changes every replay)', () => {
    expect(idTokens('0')).toEqual([33837, 39650, 2903, 40632, 19802, 4262, 17445, 34928, 18088, 48405, 38579, 42122, 36349, 7575, 34206, 30513]);
  });

  it('gives different first blocks to ids that differ only beyond 2^53 precision', () => {
    const a = idTokens('9007199254740993');
    const b = idTokens('9007199254740992');
    expect(a.slice(0, 5)).not.toEqual(b.slice(0, 5));
  });

  it('never gives two different 64-bit ids the same first five tokens', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (x, y) => {
        fc.pre(x !== y);
        expect(idTokens(String(x)).slice(0, 5)).not.toEqual(idTokens(String(y)).slice(0, 5));
      }),
    );
  });

  it('gives 100,000 consecutive ids 100,000 distinct first blocks', () => {
    const seen = new Set<string>();
    for (let id = 0; id < 100_000; id++) seen.add(idTokens(String(id)).join(','));
    expect(seen.size).toBe(100_000);
  });

  it('spreads tokens over the vocabulary', () => {
    const tokens = promptOfIds(Array.from({ length: 5000 }, (_, i) => String(i)), 1);
    const mean = tokens.reduce((a, b) => a + b, 0) / tokens.length;
    expect(Math.abs(mean - VOCAB_SIZE / 2) / VOCAB_SIZE, `mean ${mean}`).toBeLessThan(0.01);
  });
});

describe('promptOfIds', () => {
  it('is the ids\' tokens one after another', () => {
    expect(promptOfIds(['7', '0', '7'], 2)).toEqual([...idTokens('7', 2), ...idTokens('0', 2), ...idTokens('7', 2)]);
  });
});
