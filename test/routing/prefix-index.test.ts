import { describe, expect, it } from 'vitest';
import { UnknownWorkerError } from '../../src/routing/errors.ts';
import { PrefixIndex } from '../../src/routing/prefix-index.ts';
import { chain } from './factories.ts';

const matches = (index: PrefixIndex, hashes: ReturnType<typeof chain>): number[] => Array.from(index.matchAll(hashes));

describe('PrefixIndex', () => {
  it('counts for each worker the leading hashes it holds', () => {
    const index = new PrefixIndex(3);
    index.store(0, chain('a', 4));
    index.store(1, chain('a', 2));
    expect(matches(index, chain('a', 6))).toEqual([4, 2, 0]);
  });

  it('a gap stops the match, even if later hashes are held', () => {
    const index = new PrefixIndex(2);
    index.store(0, [...chain('a', 2), ...chain('a', 3, 3)]); // a0 a1 _ a3 a4 a5
    expect(matches(index, chain('a', 6))).toEqual([2, 0]);
  });

  it('matches nothing when the first hash is missing, and everything the worker holds in full', () => {
    const index = new PrefixIndex(2);
    index.store(1, chain('a', 3));
    expect(matches(index, chain('b', 3))).toEqual([0, 0]);
    expect(matches(index, chain('a', 3))).toEqual([0, 3]);
    expect(matches(index, [])).toEqual([0, 0]);
  });

  it('removal shortens the match and deletes a hash no worker holds', () => {
    const index = new PrefixIndex(2);
    index.store(0, chain('a', 4));
    index.store(1, chain('a', 4));
    expect(index.size).toBe(4);
    index.remove(0, chain('a', 1, 2)); // a2
    expect(matches(index, chain('a', 4))).toEqual([2, 4]);
    expect(index.size).toBe(4);
    index.remove(1, chain('a', 1, 2));
    expect(index.size, 'a2 held by nobody: its entry is gone').toBe(3);
    expect(index.holds(0, 'a2' as never)).toBe(false);
  });

  it('ignores removing what a worker does not hold', () => {
    const index = new PrefixIndex(2);
    index.store(0, chain('a', 2));
    index.remove(1, chain('a', 2));
    index.remove(0, chain('z', 2));
    expect(matches(index, chain('a', 2))).toEqual([2, 0]);
  });

  it('clear forgets one worker and keeps the others', () => {
    const index = new PrefixIndex(3);
    index.store(0, chain('a', 3));
    index.store(1, [...chain('a', 3), ...chain('b', 2)]);
    index.clear(1);
    expect(matches(index, chain('a', 3))).toEqual([3, 0, 0]);
    expect(index.size, 'b0, b1 were held by worker 1 only').toBe(3);
  });

  it('match(worker) agrees with matchAll', () => {
    const index = new PrefixIndex(2);
    index.store(0, chain('a', 5));
    index.store(1, chain('a', 2));
    expect([index.match(0, chain('a', 8)), index.match(1, chain('a', 8))]).toEqual(matches(index, chain('a', 8)));
  });

  it('writes into a given output array and returns it', () => {
    const index = new PrefixIndex(2);
    index.store(1, chain('a', 2));
    const out = new Int32Array([7, 7, 7]);
    expect(index.matchAll(chain('a', 2), out)).toBe(out);
    expect(Array.from(out), 'slots past the worker count are left alone').toEqual([0, 2, 7]);
  });

  it('supports more than 32 workers (bits in several words)', () => {
    const index = new PrefixIndex(70);
    index.store(0, chain('a', 1));
    index.store(31, chain('a', 2));
    index.store(32, chain('a', 3));
    index.store(69, chain('a', 5));
    const out = matches(index, chain('a', 6));
    expect([out[0], out[31], out[32], out[69], out[1], out[33]]).toEqual([1, 2, 3, 5, 0, 0]);
    index.clear(69);
    expect(index.matchAll(chain('a', 6))[69]).toBe(0);
    index.remove(32, chain('a', 3));
    index.remove(31, chain('a', 2));
    index.remove(0, chain('a', 1));
    expect(index.size).toBe(0);
  });

  it('handles exactly 32 workers (the sign bit is worker 31)', () => {
    const index = new PrefixIndex(32);
    index.store(31, chain('a', 3));
    index.store(30, chain('a', 1));
    const out = matches(index, chain('a', 3));
    expect([out[30], out[31], out[0]]).toEqual([1, 3, 0]);
    expect(index.holds(31, 'a2' as never)).toBe(true);
  });

  it('rejects a worker id out of range', () => {
    const index = new PrefixIndex(4);
    expect(() => index.store(4, chain('a', 1))).toThrow(UnknownWorkerError);
    expect(() => index.holds(-1, 'a0' as never)).toThrow('worker ids are integers 0..3');
  });
});

describe('PrefixIndex.sizeOf', () => {
  it('counts the hashes each worker holds, a hash stored twice once', () => {
    const index = new PrefixIndex(3);
    index.store(0, chain('a', 4));
    index.store(0, chain('a', 2));
    index.store(1, [...chain('a', 2), ...chain('b', 1), ...chain('b', 1)]);
    expect([index.sizeOf(0), index.sizeOf(1), index.sizeOf(2)]).toEqual([4, 3, 0]);
    expect(index.size, 'distinct hashes over all workers').toBe(5);
  });

  it('drops with removal of held hashes only, and to 0 on clear', () => {
    const index = new PrefixIndex(2);
    index.store(0, chain('a', 4));
    index.store(1, chain('a', 2));
    index.remove(0, [...chain('a', 1, 3), ...chain('z', 2)]); // a3 held; z0, z1 not
    index.remove(1, chain('a', 1, 3));
    expect([index.sizeOf(0), index.sizeOf(1)]).toEqual([3, 2]);
    index.clear(0);
    expect([index.sizeOf(0), index.sizeOf(1)]).toEqual([0, 2]);
    index.clear(0);
    expect(index.sizeOf(0), 'clearing twice').toBe(0);
  });

  it('counts per worker with more than 32 workers (bits in several words)', () => {
    const index = new PrefixIndex(70);
    index.store(0, chain('a', 1));
    index.store(31, chain('a', 2));
    index.store(32, chain('a', 3));
    index.store(32, chain('a', 3));
    index.store(63, chain('a', 4)); // the sign bit of the second word
    index.store(69, chain('a', 5));
    const sizes = () => [0, 1, 31, 32, 33, 63, 64, 69].map((w) => index.sizeOf(w));
    expect(sizes()).toEqual([1, 0, 2, 3, 0, 4, 0, 5]);
    index.remove(32, chain('a', 1, 2));
    index.remove(31, chain('a', 1, 2)); // not held by 31
    index.remove(63, chain('a', 2, 2));
    index.clear(69);
    expect(sizes()).toEqual([1, 0, 2, 2, 0, 2, 0, 0]);
    expect(index.size, 'a0, a1 left').toBe(2);
  });

  it('counts worker 31 (the sign bit) with exactly 32 workers', () => {
    const index = new PrefixIndex(32);
    index.store(31, chain('a', 3));
    index.store(31, chain('a', 3));
    index.remove(31, chain('a', 1));
    expect([index.sizeOf(31), index.sizeOf(30)]).toEqual([2, 0]);
  });

  it('rejects a worker id out of range', () => {
    const index = new PrefixIndex(33);
    expect(() => index.sizeOf(33)).toThrow(UnknownWorkerError);
    expect(() => index.sizeOf(1.5)).toThrow('worker ids are integers 0..32');
  });
});
