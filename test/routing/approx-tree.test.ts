import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BlockHash } from '../../src/cache/hash.ts';
import { ApproxTree, NO_LIMITS, type ApproxLimits } from '../../src/routing/approx-tree.ts';
import { RoutingOptionError } from '../../src/routing/errors.ts';
import { PrefixIndex } from '../../src/routing/prefix-index.ts';
import { chain } from './factories.ts';

const makeTree = (limits: Partial<ApproxLimits> = {}, workers = 2) => {
  const index = new PrefixIndex(workers);
  return { index, tree: new ApproxTree(index, { ...NO_LIMITS, ...limits }) };
};

/** The hashes among `candidates` that the index says `worker` holds, in the order given. */
const held = (index: PrefixIndex, worker: number, candidates: readonly BlockHash[]): string[] =>
  candidates.filter((h) => index.holds(worker, h));

const ALL = [...chain('a', 6), ...chain('b', 6), ...chain('c', 6)];

describe('ApproxTree', () => {
  it('holds every block sent to a worker, with no limits never forgetting', () => {
    const { index, tree } = makeTree();
    tree.record(1, chain('a', 3), 0);
    tree.prune(1e12);
    expect([index.match(0, chain('a', 4)), index.match(1, chain('a', 4))]).toEqual([0, 3]);
    expect([tree.size(0), tree.size(1)]).toEqual([0, 3]);
  });

  describe('ttlMs: entries idle longer than the TTL', () => {
    it('are dropped; an entry idle exactly the TTL is kept', () => {
      const { index, tree } = makeTree({ ttlMs: 100 });
      tree.record(0, chain('a', 3), 0);
      tree.record(0, chain('b', 2), 50);
      tree.prune(100);
      expect(held(index, 0, ALL), 'idle exactly 100 ms: kept').toEqual(['a0', 'a1', 'a2', 'b0', 'b1']);
      tree.prune(101);
      expect(held(index, 0, ALL)).toEqual(['b0', 'b1']);
      tree.prune(150);
      expect(held(index, 0, ALL)).toEqual(['b0', 'b1']);
      tree.prune(151);
      expect([held(index, 0, ALL), tree.size(0)]).toEqual([[], 0]);
    });

    it('count from the last time a block was sent: re-sending a prefix keeps it', () => {
      const { index, tree } = makeTree({ ttlMs: 100 });
      tree.record(0, chain('a', 4), 0);
      tree.record(0, chain('a', 2), 80);
      tree.prune(101);
      expect(held(index, 0, ALL)).toEqual(['a0', 'a1']);
      expect(index.match(0, chain('a', 4))).toBe(2);
    });

    it('apply to each worker on its own', () => {
      const { index, tree } = makeTree({ ttlMs: 100 });
      tree.record(0, chain('a', 2), 0);
      tree.record(1, chain('a', 2), 60);
      tree.prune(120);
      expect([index.match(0, chain('a', 2)), index.match(1, chain('a', 2))]).toEqual([0, 2]);
    });
  });

  describe('maxBlocks per worker', () => {
    it('drops the least recently sent first', () => {
      const { index, tree } = makeTree({ maxBlocks: 2, evictionIntervalMs: 100 });
      tree.record(0, chain('a', 2), 0);
      tree.record(0, chain('b', 2), 10);
      tree.record(0, chain('a', 1), 20); // a0 touched again
      tree.prune(100);
      expect(held(index, 0, ALL), 'a1 (t 0) and b1 (t 10, deeper than b0) dropped').toEqual(['a0', 'b0']);
    });

    it('among blocks sent at the same instant, drops the deeper first: a prefix outlives its extension', () => {
      const { index, tree } = makeTree({ maxBlocks: 3, evictionIntervalMs: 100 });
      tree.record(0, chain('a', 5), 0);
      tree.prune(100);
      expect(held(index, 0, ALL)).toEqual(['a0', 'a1', 'a2']);
      expect(index.match(0, chain('a', 5))).toBe(3);
    });

    it('among several records of one instant, drops the earlier record first, each deepest first', () => {
      const { index, tree } = makeTree({ maxBlocks: 3, evictionIntervalMs: 100 });
      tree.record(0, chain('a', 2), 0);
      tree.record(0, chain('b', 3), 0);
      tree.prune(100);
      expect(held(index, 0, ALL)).toEqual(['b0', 'b1', 'b2']);
      tree.record(0, chain('c', 2), 150);
      tree.prune(200);
      expect(held(index, 0, ALL), 'b2 and b1 go, b0 (t 0) stays').toEqual(['b0', 'c0', 'c1']);
    });

    it('keeps each worker to its own budget', () => {
      const { index, tree } = makeTree({ maxBlocks: 2, evictionIntervalMs: 100 });
      tree.record(0, chain('a', 3), 0);
      tree.record(1, chain('b', 1), 0);
      tree.prune(100);
      expect([held(index, 0, ALL), held(index, 1, ALL)]).toEqual([['a0', 'a1'], ['b0']]);
      expect([tree.size(0), tree.size(1), index.sizeOf(0), index.sizeOf(1)]).toEqual([2, 1, 2, 1]);
    });

    it('is checked only at eviction ticks, multiples of evictionIntervalMs from time 0', () => {
      const { tree } = makeTree({ maxBlocks: 2, evictionIntervalMs: 100 });
      const sizes: number[] = [];
      const at = (now: number) => {
        tree.prune(now);
        sizes.push(tree.size(0));
      };
      tree.record(0, chain('a', 5), 0);
      at(0);
      at(99);
      at(100); // tick 100
      tree.record(0, chain('b', 4), 120);
      at(150);
      at(199);
      at(200); // tick 200
      tree.record(0, chain('c', 4), 210);
      at(450); // ticks 300 and 400 passed: one check now
      tree.record(0, chain('a', 4), 460);
      at(499);
      at(500);
      expect(sizes).toEqual([5, 5, 2, 6, 6, 2, 2, 6, 2]);
    });
  });

  describe('maxBlocks shared by all workers', () => {
    it('drops the globally least recently sent first', () => {
      const { index, tree } = makeTree({ maxBlocks: 3, shared: true, evictionIntervalMs: 100 }, 3);
      tree.record(0, chain('a', 2), 0);
      tree.record(1, chain('b', 2), 10);
      tree.record(2, chain('c', 1), 5);
      tree.prune(100);
      expect([0, 1, 2].map((w) => held(index, w, ALL))).toEqual([[], ['b0', 'b1'], ['c0']]);
      tree.record(1, chain('b', 1), 120);
      tree.prune(200);
      expect([0, 1, 2].map((w) => held(index, w, ALL)), 'nothing over budget: nothing dropped').toEqual([[], ['b0', 'b1'], ['c0']]);
      tree.record(0, chain('a', 1), 150);
      tree.prune(300);
      expect([0, 1, 2].map((w) => held(index, w, ALL)), 'c0 (t 5) is the oldest').toEqual([['a0'], ['b0', 'b1'], []]);
    });

    it('among workers equally old, drops the lowest worker id first; a worker may hold the whole budget', () => {
      const { index, tree } = makeTree({ maxBlocks: 2, shared: true, evictionIntervalMs: 100 }, 3);
      tree.record(2, chain('c', 1), 0);
      tree.record(1, chain('b', 2), 0);
      tree.prune(100);
      expect([0, 1, 2].map((w) => held(index, w, ALL))).toEqual([[], ['b0'], ['c0']]);
      tree.record(0, chain('a', 3), 150);
      tree.prune(200);
      expect([0, 1, 2].map((w) => held(index, w, ALL))).toEqual([['a0', 'a1'], [], []]);
    });
  });

  it('clear forgets one worker, in its index and in the shared count', () => {
    const { index, tree } = makeTree({ maxBlocks: 3, shared: true, evictionIntervalMs: 100 });
    tree.record(0, chain('a', 3), 0);
    tree.record(1, chain('b', 2), 10);
    tree.clear(0);
    expect([tree.size(0), index.sizeOf(0), index.match(0, chain('a', 3))]).toEqual([0, 0, 0]);
    tree.prune(100);
    expect(held(index, 1, ALL), '2 entries left, within the budget of 3').toEqual(['b0', 'b1']);
    tree.record(0, chain('a', 1), 120);
    expect(tree.size(0)).toBe(1);
  });

  it('rejects limits out of range, saying what is expected', () => {
    const index = new PrefixIndex(1);
    const make = (limits: Partial<ApproxLimits>) => () => new ApproxTree(index, { ...NO_LIMITS, ...limits });
    expect(make({ maxBlocks: 0 })).toThrow(RoutingOptionError);
    expect(make({ maxBlocks: 0 })).toThrow('maxBlocks is 0; it must be ≥ 1 (Infinity: no budget)');
    expect(make({ maxBlocks: Number.NaN })).toThrow('maxBlocks is NaN');
    expect(make({ maxBlocks: 10 })).toThrow('evictionIntervalMs is 0; a budget needs a finite interval > 0');
    expect(make({ maxBlocks: 10, evictionIntervalMs: Infinity })).toThrow('evictionIntervalMs is Infinity');
    expect(make({ ttlMs: 0 })).toThrow('ttlMs is 0; it must be > 0 (Infinity: never)');
    expect(make({ ttlMs: -1 })).toThrow(RoutingOptionError);
    expect(make({ maxBlocks: Infinity, evictionIntervalMs: 0, ttlMs: 5 })).not.toThrow();
  });
});

// --- Against a naive model -------------------------------------------------------------------

interface Entry {
  readonly hash: BlockHash;
  readonly at: number;
  /** Which record touched it last, and its depth there: the order among entries of one instant. */
  readonly seq: number;
  readonly depth: number;
}

/** Sort order of the drops: least recently sent, then the earlier record, then the deeper. */
const dropOrder = (a: Entry, b: Entry) => a.at - b.at || a.seq - b.seq || b.depth - a.depth;

/** Each worker's entries as a plain list; every rule re-derived by sorting. */
class NaiveTree {
  readonly entries: Entry[][];
  private seq = 0;
  private nextTick: number;
  constructor(workers: number, readonly limits: ApproxLimits) {
    this.entries = Array.from({ length: workers }, () => []);
    this.nextTick = limits.maxBlocks === Infinity ? Infinity : limits.evictionIntervalMs;
  }
  record(worker: number, hashes: readonly BlockHash[], now: number): void {
    const seq = this.seq++;
    const fresh = new Set(hashes);
    this.entries[worker] = [
      ...this.entries[worker]!.filter((e) => !fresh.has(e.hash)),
      ...hashes.map((hash, depth) => ({ hash, at: now, seq, depth })),
    ];
  }
  /** Prunes; returns whether a budget check was due. */
  prune(now: number): boolean {
    const { ttlMs, maxBlocks, evictionIntervalMs, shared } = this.limits;
    for (let w = 0; w < this.entries.length; w++) this.entries[w] = this.entries[w]!.filter((e) => !(now - e.at > ttlMs));
    if (now < this.nextTick) return false;
    this.nextTick = (Math.floor(now / evictionIntervalMs) + 1) * evictionIntervalMs;
    if (!shared) {
      for (let w = 0; w < this.entries.length; w++) this.entries[w] = [...this.entries[w]!].sort(dropOrder).slice(-maxBlocks);
      return true;
    }
    const all = this.entries
      .flatMap((list, worker) => [...list].sort(dropOrder).map((e, rank) => ({ e, worker, rank })))
      .sort((x, y) => x.e.at - y.e.at || x.worker - y.worker || x.rank - y.rank);
    const drop = new Set(all.slice(0, Math.max(0, all.length - maxBlocks)).map((x) => x.e));
    for (let w = 0; w < this.entries.length; w++) this.entries[w] = this.entries[w]!.filter((e) => !drop.has(e));
    return true;
  }
  clear(worker: number): void {
    this.entries[worker] = [];
  }
}

const CHAINS = ['a', 'b', 'c'] as const;
const HASHES = CHAINS.flatMap((c) => chain(c, 5));

const limitsArb: fc.Arbitrary<ApproxLimits> = fc.record({
  maxBlocks: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 8 })),
  shared: fc.boolean(),
  evictionIntervalMs: fc.integer({ min: 1, max: 100 }),
  ttlMs: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 200 })),
});

const opArb = (workers: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('record' as const), worker: fc.nat(workers - 1), chain: fc.constantFrom(...CHAINS), n: fc.integer({ min: 1, max: 5 }), dt: fc.integer({ min: 0, max: 60 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('prune' as const), dt: fc.integer({ min: 0, max: 120 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('clear' as const), worker: fc.nat(workers - 1) }) },
  );

const scenarioArb = fc
  .tuple(fc.integer({ min: 1, max: 4 }), limitsArb)
  .chain(([workers, limits]) => fc.tuple(fc.constant(workers), fc.constant(limits), fc.array(opArb(workers), { maxLength: 40 })));

describe('ApproxTree (property)', () => {
  it('agrees with a naive model after any records, prunes and clears, and a due check leaves no worker over budget', () => {
    fc.assert(
      fc.property(scenarioArb, ([workers, limits, ops]) => {
        const index = new PrefixIndex(workers);
        const tree = new ApproxTree(index, limits);
        const naive = new NaiveTree(workers, limits);
        let now = 0;
        for (const [step, op] of ops.entries()) {
          let checked = false;
          switch (op.kind) {
            case 'record':
              now += op.dt;
              tree.record(op.worker, chain(op.chain, op.n), now);
              naive.record(op.worker, chain(op.chain, op.n), now);
              break;
            case 'prune':
              now += op.dt;
              tree.prune(now);
              checked = naive.prune(now);
              break;
            case 'clear':
              tree.clear(op.worker);
              naive.clear(op.worker);
              break;
          }
          const where = `after op ${step} (${op.kind}) at ${now}`;
          for (let w = 0; w < workers; w++) {
            const expected = naive.entries[w]!.map((e) => e.hash).sort();
            expect(held(index, w, HASHES).sort(), `worker ${w} ${where}`).toEqual(expected);
            expect([tree.size(w), index.sizeOf(w)], `sizes of worker ${w} ${where}`).toEqual([expected.length, expected.length]);
            for (const c of CHAINS) {
              let n = 0;
              while (n < 5 && expected.includes(`${c}${n}` as BlockHash)) n++;
              expect(index.match(w, chain(c, 5)), `match of ${c} on worker ${w} ${where}`).toBe(n);
            }
          }
          if (checked) {
            const sizes = Array.from({ length: workers }, (_, w) => tree.size(w));
            const total = sizes.reduce((s, x) => s + x, 0);
            if (limits.shared) expect(total, `total ${where}`).toBeLessThanOrEqual(limits.maxBlocks);
            else for (const size of sizes) expect(size, `a worker's size ${where}`).toBeLessThanOrEqual(limits.maxBlocks);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
