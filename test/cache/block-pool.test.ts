import { describe, expect, it } from 'vitest';
import { BlockPool, type SequenceId } from '../../src/cache/block-pool.ts';
import {
  DoubleReleaseError,
  DuplicateSequenceError,
  SequenceTooLargeError,
  UnknownSequenceError,
} from '../../src/cache/errors.ts';
import type { BlockHash } from '../../src/cache/hash.ts';

const BS = 16;

/** Readable stand-ins for chained hashes: chain('a', 3) → a0, a1, a2. */
const chain = (name: string, n: number, from = 0): BlockHash[] =>
  Array.from({ length: n }, (_, i) => `${name}${from + i}` as BlockHash);

const makePool = (capacity: number | 'unbounded') => new BlockPool({ capacity, blockSize: BS });

/** Allocates a sequence of `hashes.length` full blocks plus `tail` tokens. */
const admit = (pool: BlockPool, id: SequenceId, hashes: BlockHash[], tail = 0) =>
  pool.allocate(id, hashes, hashes.length * BS + tail);

/** The hashes evicted since the last call, in eviction order. */
const evicted = (pool: BlockPool): string[] =>
  pool.takeEvents().flatMap((e) => (e.type === 'removed' ? e.hashes : []));

describe('BlockPool', () => {
  it('reuses cached leading blocks and computes the rest', () => {
    const pool = makePool(16);
    admit(pool, 'first', chain('a', 4));
    pool.release('first');
    const again = admit(pool, 'second', [...chain('a', 2), ...chain('b', 3, 2)], 5);
    expect(again).toEqual({ cachedBlocks: 2, computedBlocks: 4 });
  });

  it('a freed block stays findable until its slot is needed', () => {
    const pool = makePool(4);
    admit(pool, 1, chain('a', 3));
    pool.release(1);
    expect(pool.lookup(chain('a', 3))).toBe(3);
    admit(pool, 2, chain('b', 1)); // takes the one never-used block: nothing evicted
    expect(pool.lookup(chain('a', 3))).toBe(3);
    admit(pool, 3, chain('c', 1)); // now a slot of `a` is needed
    expect(pool.lookup(chain('a', 3))).toBe(2);
  });

  it('evicts the least recently released block first', () => {
    const pool = makePool(3);
    admit(pool, 'x', chain('x', 1));
    admit(pool, 'y', chain('y', 1));
    admit(pool, 'z', chain('z', 1));
    pool.release('y');
    pool.release('x');
    pool.release('z');
    pool.takeEvents();
    admit(pool, 'w', chain('w', 2));
    expect(evicted(pool)).toEqual(['y0', 'x0']);
  });

  it('among blocks released together the deeper one goes first', () => {
    const pool = makePool(4);
    admit(pool, 'a', chain('a', 4));
    pool.release('a');
    pool.takeEvents();
    admit(pool, 'b', chain('b', 3));
    expect(evicted(pool)).toEqual(['a3', 'a2', 'a1']);
    expect(pool.lookup(chain('a', 4))).toBe(1);
  });

  it('puts a freed block holding no hash behind the cached ones, as vLLM does: the earliest released is evicted first', () => {
    const pool = makePool(4);
    admit(pool, 'old', chain('o', 1));
    pool.release('old'); // o0: cached, released first
    admit(pool, 'a', chain('a', 1), 20); // a0, one full block of no hash, one partial block
    pool.release('a'); // the partial block, then a0, go to the tail
    pool.takeEvents();
    admit(pool, 'b', chain('b', 2)); // takes the never-used block, then o0
    expect(evicted(pool)).toEqual(['o0']);
    expect(pool.lookup(chain('a', 1))).toBe(1);
  });

  it("with uncachedFreed 'head', reuses a block holding no hash before evicting a cached one", () => {
    const pool = new BlockPool({ capacity: 4, blockSize: BS, uncachedFreed: 'head' });
    admit(pool, 'old', chain('o', 1));
    pool.release('old'); // o0: cached, released first
    admit(pool, 'a', chain('a', 1), 20); // a0, one full block of no hash, one partial block
    pool.release('a');
    pool.takeEvents();
    admit(pool, 'b', chain('b', 2));
    expect(evicted(pool)).toEqual([]);
    expect(pool.lookup(chain('o', 1))).toBe(1);
    expect(pool.lookup(chain('a', 1))).toBe(1);
  });

  it('never evicts a referenced block: it refuses the allocation instead', () => {
    const pool = makePool(4);
    admit(pool, 'held', chain('h', 3));
    pool.takeEvents();
    expect(admit(pool, 'big', chain('b', 2))).toBeNull();
    expect(pool.lookup(chain('h', 3))).toBe(3);
    expect(pool.takeEvents()).toEqual([]);
    expect(pool.has('big')).toBe(false);
    expect(pool.usage()).toMatchObject({ used: 3, free: 1 });
    pool.checkInvariants();
  });

  it('tells whether an allocation would succeed, without changing anything', () => {
    const pool = makePool(4);
    admit(pool, 'held', chain('h', 2));
    expect(pool.canAllocate(chain('a', 2), 32)).toBe(true);
    expect(pool.canAllocate(chain('a', 3), 48)).toBe(false);
    expect(pool.canAllocate([...chain('h', 2), ...chain('a', 2, 2)], 64)).toBe(true); // h0, h1 shared
    expect(pool.canAllocate([], 5 * BS)).toBe(false); // can never fit
    expect(pool.freeBlocks()).toBe(2);
    expect(pool.takeEvents()).toHaveLength(1);
    expect(makePool('unbounded').freeBlocks()).toBe(Infinity);
  });

  it('counts a reusable free block as available only once', () => {
    const pool = makePool(4);
    admit(pool, 'other', chain('o', 1));
    admit(pool, 1, chain('a', 2));
    pool.release(1);
    // a0 and a1 are free and cached; reusing them leaves one free block, not three.
    expect(admit(pool, 2, [...chain('a', 2), ...chain('c', 2, 2)])).toBeNull();
    expect(admit(pool, 3, [...chain('a', 2), ...chain('c', 1, 2)])).toEqual({ cachedBlocks: 2, computedBlocks: 1 });
  });

  it('stores a shared prefix once', () => {
    const pool = makePool(10);
    admit(pool, 1, chain('s', 4));
    admit(pool, 2, [...chain('s', 4), ...chain('t', 2, 4)]);
    expect(pool.blocksOf(2).slice(0, 4)).toEqual(pool.blocksOf(1));
    expect(pool.usage()).toMatchObject({ used: 6, cached: 6 });
  });

  it('computes every block from the first miss on, yet stores a later cached one once', () => {
    const pool = makePool(10);
    admit(pool, 1, chain('a', 3));
    const [a0, , a2] = chain('a', 3);
    // Same block 2 hash after a missed block 1: charged, but the physical block is shared.
    const result = admit(pool, 2, [a0!, 'z1' as BlockHash, a2!]);
    expect(result).toEqual({ cachedBlocks: 1, computedBlocks: 2 });
    expect(pool.blocksOf(2)[2]).toBe(pool.blocksOf(1)[2]);
    expect(pool.usage().used).toBe(4);
  });

  it('registers a prompt’s full blocks at admission, so the next admission reuses them', () => {
    const pool = makePool(10);
    admit(pool, 1, chain('p', 3), 7);
    expect(admit(pool, 2, chain('p', 3), 9)).toEqual({ cachedBlocks: 3, computedBlocks: 1 });
    expect(pool.blocksOf(1)[3]).not.toBe(pool.blocksOf(2)[3]); // partial tails are private
  });

  it('registers generated blocks as they fill', () => {
    const pool = makePool(10);
    const hashes = chain('g', 1);
    pool.allocate('s', hashes, 20);
    expect(pool.extend('s', 31, hashes)).toBe(true);
    expect(pool.blocksOf('s')).toHaveLength(2);
    expect(pool.lookup(chain('g', 2))).toBe(1);
    hashes.push('g1' as BlockHash); // the 32nd token fills block 1
    expect(pool.extend('s', 33, hashes)).toBe(true);
    expect(pool.lookup(chain('g', 2))).toBe(2);
    expect(pool.blocksOf('s')).toHaveLength(3);
    // One run: g1 continues the chain of g0, and no one took the events in between.
    expect(pool.takeEvents()).toEqual([{ type: 'stored', parent: null, hashes: ['g0', 'g1'] }]);
  });

  it('shares a generated block that another sequence stored first', () => {
    const pool = makePool(10);
    const hashes = chain('g', 1);
    pool.allocate('a', hashes, 20);
    pool.allocate('b', hashes, 20);
    const full = chain('g', 2);
    pool.extend('a', 32, full);
    pool.extend('b', 32, full);
    expect(pool.blocksOf('b')[1]).toBe(pool.blocksOf('a')[1]);
    expect(pool.usage()).toMatchObject({ used: 2, cached: 2 });
    pool.checkInvariants();
  });

  it('refuses growth without a free block, changing nothing', () => {
    const pool = makePool(3);
    admit(pool, 'other', chain('o', 1));
    pool.allocate('s', chain('a', 1), 32);
    expect(pool.extend('s', 33, chain('a', 2))).toBe(false);
    expect(pool.blocksOf('s')).toHaveLength(2);
    expect(pool.lookup(chain('a', 2))).toBe(1);
  });

  it('counts queries and hits in tokens and in blocks, and evictions', () => {
    const pool = makePool(6);
    admit(pool, 1, chain('a', 4), 8); // 72 tokens, 5 blocks
    pool.release(1);
    admit(pool, 2, chain('a', 2), 0); // 32 tokens, 2 hits
    admit(pool, 3, chain('b', 3)); // 3 fresh: the old partial tail, the never-used block, a3
    expect(pool.stats()).toEqual({
      queriedTokens: 72 + 32 + 48,
      hitTokens: 32,
      queriedBlocks: 5 + 2 + 3,
      hitBlocks: 2,
      storedBlocks: 4 + 3,
      evictions: 1,
    });
  });

  it('reports its usage: used + free = capacity', () => {
    const pool = makePool(8);
    admit(pool, 1, chain('a', 3), 1);
    admit(pool, 2, chain('b', 1));
    pool.release(2);
    expect(pool.usage()).toEqual({ capacity: 8, used: 4, free: 4, cached: 4, evictable: 1 });
  });

  it('announces an allocation\'s evicted blocks first, then its stored run with its parent (as vLLM)', () => {
    const pool = makePool(4);
    admit(pool, 1, chain('a', 2));
    pool.release(1);
    admit(pool, 2, [...chain('a', 1), ...chain('b', 3, 1)]);
    expect(pool.takeEvents()).toEqual([
      { type: 'stored', parent: null, hashes: ['a0', 'a1'] },
      { type: 'removed', hashes: ['a1'] },
      { type: 'stored', parent: 'a0', hashes: ['b1', 'b2', 'b3'] },
    ]);
    expect(pool.takeEvents()).toEqual([]);
  });

  it('clears every cached block when nothing runs, and refuses while something does', () => {
    const pool = makePool(4);
    admit(pool, 1, chain('a', 2));
    expect(() => pool.clear()).toThrow(/while 1 sequences hold blocks/);
    pool.release(1);
    pool.takeEvents();
    pool.clear();
    expect(pool.lookup(chain('a', 2))).toBe(0);
    expect(pool.takeEvents()).toEqual([{ type: 'cleared' }]);
    pool.checkInvariants();
  });

  it('never evicts when unbounded (an oracle cache)', () => {
    const pool = makePool('unbounded');
    for (let i = 0; i < 50; i++) {
      admit(pool, i, chain(`s${i}-`, 40), 3);
      pool.release(i);
    }
    expect(pool.stats().evictions).toBe(0);
    expect(pool.usage()).toMatchObject({ capacity: 'unbounded', used: 0, cached: 2000 });
    expect(pool.lookup(chain('s0-', 40))).toBe(40);
    pool.checkInvariants();
  });

  it('rejects a sequence that can never fit, naming the numbers', () => {
    const pool = makePool(924);
    expect(() => pool.allocate('huge', [], 1000 * BS)).toThrow(SequenceTooLargeError);
    expect(() => pool.allocate('huge', [], 1000 * BS)).toThrow('sequence huge needs 1000 blocks; a worker has 924');
    pool.allocate('grows', [], 924 * BS);
    expect(() => pool.extend('grows', 924 * BS + 1, [])).toThrow('needs 925 blocks; a worker has 924');
  });

  it('tells a double release from the release of an unknown sequence', () => {
    const pool = makePool(4);
    admit(pool, 'once', chain('a', 1));
    pool.release('once');
    expect(() => pool.release('once')).toThrow(DoubleReleaseError);
    expect(() => pool.release('once')).toThrow('sequence once was already released');
    expect(() => pool.release('never')).toThrow(UnknownSequenceError);
    expect(() => pool.extend('never', 3, [])).toThrow('cannot extend sequence never');
  });

  it('allows an id to be allocated again after its release (a preempted request)', () => {
    const pool = makePool(4);
    admit(pool, 7, chain('a', 2));
    expect(() => admit(pool, 7, chain('a', 2))).toThrow(DuplicateSequenceError);
    pool.release(7);
    expect(admit(pool, 7, chain('a', 2))).toEqual({ cachedBlocks: 2, computedBlocks: 0 });
    pool.release(7);
    expect(() => pool.release(7)).toThrow(DoubleReleaseError);
  });

  it('rejects arguments that make no sense', () => {
    const pool = makePool(4);
    expect(() => pool.allocate(1, [], 0)).toThrow(/positive integer/);
    expect(() => pool.allocate(1, chain('a', 2), 20)).toThrow('2 block hashes for 20 tokens');
    admit(pool, 1, chain('a', 1));
    expect(() => pool.extend(1, 10, [])).toThrow('cannot shrink');
    expect(() => new BlockPool({ capacity: 0 })).toThrow(/positive integer or 'unbounded'/);
  });

  it('looks up without side effects: a lookup does not refresh eviction order', () => {
    const pool = makePool(2);
    admit(pool, 1, chain('a', 1));
    admit(pool, 2, chain('b', 1));
    pool.release(1);
    pool.release(2);
    pool.takeEvents();
    const before = pool.stats();
    expect(pool.lookup(chain('a', 1))).toBe(1);
    expect(pool.stats()).toEqual(before);
    admit(pool, 3, chain('c', 1));
    expect(evicted(pool)).toEqual(['a0']);
  });
});
