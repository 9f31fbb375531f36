import { describe, expect, it } from 'vitest';
import type { KvBatch, KvTensor } from '../../src/model/kv-batch.ts';
import { PrefixStore } from '../../src/model/prefix-store.ts';

/** A one-row, one-head, headDim-1 cache whose value at position t is `tag + t`, left-padded by `pad`. */
function makeRow(tokens: readonly number[], tag: number, pad = 0): { batch: KvBatch; row: number } {
  const length = pad + tokens.length;
  const data = new Float32Array(length);
  for (let t = 0; t < tokens.length; t++) data[pad + t] = tag + t;
  const tensor: KvTensor = { data, heads: 1, headDim: 1 };
  return { batch: { tensors: new Map([['past_key_values.0.key', tensor]]), rows: 1, length, pads: [pad] }, row: 0 };
}

const range = (from: number, n: number): number[] => Array.from({ length: n }, (_, i) => from + i);
const valuesOf = (kv: KvBatch | null): number[] => Array.from(kv?.tensors.get('past_key_values.0.key')?.data ?? []);

describe('PrefixStore', () => {
  it('gives the K/V of the longest stored prefix, without padding, as a one-row batch', () => {
    const store = new PrefixStore(4, 3);
    store.remember(range(0, 10), makeRow(range(0, 10), 100, 2));
    store.remember([...range(0, 6), 99, 98], makeRow([...range(0, 6), 99, 98], 200));
    const prefix = store.longestPrefix([...range(0, 8), 50]);
    expect(prefix).toMatchObject({ rows: 1, length: 8, pads: [0] });
    expect(valuesOf(prefix)).toEqual(range(100, 8));
  });

  it('keeps the last token to feed: a prompt equal to a stored one gets all but its last position', () => {
    const store = new PrefixStore(4, 3);
    store.remember(range(0, 10), makeRow(range(0, 10), 100));
    expect(store.longestPrefix(range(0, 10))?.length).toBe(9);
    expect(store.longestPrefix(range(0, 5))?.length).toBe(4);
  });

  it('gives nothing under its minimum length', () => {
    const store = new PrefixStore(4, 5);
    store.remember(range(0, 10), makeRow(range(0, 10), 100));
    expect(store.longestPrefix([0, 1, 2, 3, 77])).toBeNull();
    expect(store.longestPrefix([0, 1, 2, 3, 4, 77])?.length).toBe(5);
  });

  it('forgets the least recently used prompt first (used = stored or given as a prefix)', () => {
    const store = new PrefixStore(2, 1);
    const prompt = (first: number) => [first, 1, 2, 3];
    store.remember(prompt(10), makeRow(prompt(10), 100));
    store.remember(prompt(20), makeRow(prompt(20), 200));
    expect(store.longestPrefix([10, 1, 9])?.length).toBe(2); // 10 is now the most recent
    store.remember(prompt(30), makeRow(prompt(30), 300)); // 20 goes
    expect(store.longestPrefix([20, 1, 9])).toBeNull();
    expect(store.longestPrefix([10, 1, 9])?.length).toBe(2);
    expect(store.longestPrefix([30, 1, 9])?.length).toBe(2);
  });
});
