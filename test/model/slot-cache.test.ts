import { describe, expect, it } from 'vitest';
import type { KvBatch, KvTensor } from '../../src/model/kv-batch.ts';
import { SlotCache, type SlotOwner } from '../../src/model/slot-cache.ts';

const HEADS = 2;
const HEAD_DIM = 3;
const NAMES = ['past_key_values.0.key', 'past_key_values.0.value'] as const;

/** A prefill's batch whose value at (row, head, own position t, d) is `seed(row) + t + d/10 + head/100` (keys) and its negation (values). */
function makeBatch(lengths: readonly number[], salt = 0): KvBatch {
  const length = Math.max(...lengths);
  const pads = lengths.map((l) => length - l);
  const tensors = new Map<string, KvTensor>();
  for (const [k, name] of NAMES.entries()) {
    const data = new Float32Array(lengths.length * HEADS * length * HEAD_DIM);
    lengths.forEach((own, r) => {
      for (let h = 0; h < HEADS; h++) for (let t = 0; t < own; t++) for (let d = 0; d < HEAD_DIM; d++) {
        data[((r * HEADS + h) * length + pads[r]! + t) * HEAD_DIM + d] = (k === 0 ? 1 : -1) * value(salt + r, h, t, d);
      }
    });
    tensors.set(name, { data, heads: HEADS, headDim: HEAD_DIM });
  }
  return { tensors, rows: lengths.length, length, pads };
}

const value = (row: number, h: number, t: number, d: number): number => 1000 * (row + 1) + t + d / 10 + h / 100;

/** What the cache holds for `owner`: per position, its keys then values, [head][d] flattened. */
function readRow(cache: SlotCache, owner: SlotOwner): number[][] {
  const [keys, values] = cache.views(cache.used);
  const capacity = keys!.dims[3]!;
  const out: number[][] = [];
  for (let t = 0; t < cache.length(owner.slot); t++) {
    const position: number[] = [];
    for (let h = 0; h < HEADS; h++) for (let d = 0; d < HEAD_DIM; d++) position.push(keys!.data[((owner.slot * HEADS + h) * HEAD_DIM + d) * capacity + t]!);
    for (let h = 0; h < HEADS; h++) for (let d = 0; d < HEAD_DIM; d++) position.push(values!.data[((owner.slot * HEADS + h) * capacity + t) * HEAD_DIM + d]!);
    out.push(position);
  }
  return out;
}

/** What a row of `makeBatch` holds, in readRow's form. */
function expectedRow(row: number, length: number): number[][] {
  return Array.from({ length }, (_, t) => {
    const keys: number[] = [];
    for (let h = 0; h < HEADS; h++) for (let d = 0; d < HEAD_DIM; d++) keys.push(Math.fround(value(row, h, t, d)));
    return [...keys, ...keys.map((v) => -v)];
  });
}

/** One new position for rows [0, n) as a step's outputs: row r's values all `fill[r]` (keys) and −fill[r] (values). */
function newPosition(fill: readonly number[]): [Float32Array[], Float32Array[]] {
  const keys = new Float32Array(fill.length * HEADS * HEAD_DIM);
  fill.forEach((f, r) => keys.fill(f, r * HEADS * HEAD_DIM, (r + 1) * HEADS * HEAD_DIM));
  return [[keys], [keys.map((v) => -v)]];
}

/** A cache with two rows added from one prefill batch: 3 and 5 positions. */
function twoPrefilledRows() {
  const cache = new SlotCache(1, HEADS, HEAD_DIM);
  const batch = makeBatch([3, 5]);
  const [a, b] = [{ slot: -1 }, { slot: -1 }];
  cache.add(a, batch, 0);
  cache.add(b, batch, 1);
  return { cache, a, b };
}

describe('SlotCache', () => {
  it("copies a prefill's row into a row of its own: keys transposed, no padding", () => {
    const { cache, a, b } = twoPrefilledRows();
    expect([a.slot, b.slot, cache.used]).toEqual([0, 1, 2]);
    expect(readRow(cache, a)).toEqual(expectedRow(0, 3));
    expect(readRow(cache, b)).toEqual(expectedRow(1, 5));
    const [keys, values] = cache.views(2);
    expect(keys!.dims).toEqual([2, HEADS, HEAD_DIM, 256]);
    expect(values!.dims).toEqual([2, HEADS, 256, HEAD_DIM]);
  });

  it('appends a step at each row its own position', () => {
    const { cache, a, b } = twoPrefilledRows();
    const [keys, values] = newPosition([7, 9]);
    cache.append(0, 0, keys, values);
    cache.append(1, 1, keys, values);
    const at = (f: number) => [...new Array<number>(HEADS * HEAD_DIM).fill(f), ...new Array<number>(HEADS * HEAD_DIM).fill(-f)];
    expect(readRow(cache, a)).toEqual([...expectedRow(0, 3), at(7)]);
    expect(readRow(cache, b)).toEqual([...expectedRow(1, 5), at(9)]);
  });

  it("keeps every row's K/V while rows are added, move to the front and leave, copying only rows that move", () => {
    const cache = new SlotCache(1, HEADS, HEAD_DIM);
    const lengths = [2, 4, 3, 1, 5]; // the fifth row outgrows the first allocation (4 rows)
    const batch = makeBatch(lengths);
    const owners = lengths.map(() => ({ slot: -1 }));
    owners.forEach((o, r) => cache.add(o, batch, r));
    cache.putFirst([owners[3]!, owners[1]!]);
    expect(new Set([owners[3]!.slot, owners[1]!.slot]), 'the step rows are the first two').toEqual(new Set([0, 1]));
    const moved = cache.moves;
    cache.putFirst([owners[1]!, owners[3]!]);
    expect(cache.moves, 'rows already in front stay').toBe(moved);
    cache.remove(owners[3]!);
    expect([cache.used, owners[3]!.slot]).toEqual([4, -1]);
    for (const r of [0, 1, 2, 4]) expect(readRow(cache, owners[r]!), `row ${r}`).toEqual(expectedRow(r, lengths[r]!));
  });

  it('grows the capacity of every row when one needs more, and shrinks it when the longest leaves, keeping the rows', () => {
    const cache = new SlotCache(1, HEADS, HEAD_DIM);
    const short = { slot: -1 };
    const long = { slot: -1 };
    cache.add(short, makeBatch([4]), 0);
    cache.add(long, makeBatch([600], 1), 0);
    cache.fitNextPosition();
    expect(cache.views(2)[0]!.dims[3], '600 + 1 positions, 256 at a time').toBe(768);
    cache.truncate(long.slot, 300);
    cache.remove(long);
    cache.fitNextPosition();
    expect(cache.views(1)[0]!.dims[3], 'back to 256').toBe(256);
    expect(readRow(cache, short)).toEqual(expectedRow(0, 4));
  });
});
