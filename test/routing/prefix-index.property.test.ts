// The index against a naive reference: one Set of hashes per worker, matches counted by walking
// each worker's set. Random store / remove / clear sequences must agree on every match and size.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BlockHash } from '../../src/cache/hash.ts';
import { PrefixIndex } from '../../src/routing/prefix-index.ts';

class NaiveIndex {
  readonly sets: Set<string>[];
  constructor(workers: number) {
    this.sets = Array.from({ length: workers }, () => new Set<string>());
  }
  matchAll(hashes: readonly string[]): number[] {
    return this.sets.map((set) => {
      let n = 0;
      while (n < hashes.length && set.has(hashes[n]!)) n++;
      return n;
    });
  }
  get size(): number {
    const all = new Set<string>();
    for (const set of this.sets) for (const h of set) all.add(h);
    return all.size;
  }
}

// A small alphabet of hashes so that stores, removals and matches collide often.
const hash = fc.integer({ min: 0, max: 11 }).map((i) => `h${i}` as BlockHash);
const hashes = fc.array(hash, { maxLength: 8 });

const op = (workers: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('store' as const), worker: fc.nat(workers - 1), hashes }),
    fc.record({ kind: fc.constant('remove' as const), worker: fc.nat(workers - 1), hashes }),
    fc.record({ kind: fc.constant('clear' as const), worker: fc.nat(workers - 1) }),
    fc.record({ kind: fc.constant('match' as const), hashes }),
  );

const scenario = fc.integer({ min: 1, max: 70 }).chain((workers) => fc.tuple(fc.constant(workers), fc.array(op(workers), { maxLength: 40 })));

describe('PrefixIndex (property)', () => {
  it('agrees with a per-worker Set implementation on every match and size', () => {
    fc.assert(
      fc.property(scenario, ([workers, ops]) => {
        const index = new PrefixIndex(workers);
        const naive = new NaiveIndex(workers);
        for (const o of ops) {
          switch (o.kind) {
            case 'store':
              index.store(o.worker, o.hashes);
              for (const h of o.hashes) naive.sets[o.worker]!.add(h);
              break;
            case 'remove':
              index.remove(o.worker, o.hashes);
              for (const h of o.hashes) naive.sets[o.worker]!.delete(h);
              break;
            case 'clear':
              index.clear(o.worker);
              naive.sets[o.worker]!.clear();
              break;
            case 'match':
              expect(Array.from(index.matchAll(o.hashes))).toEqual(naive.matchAll(o.hashes));
              break;
          }
          if (index.size !== naive.size) expect(index.size, `size after ${o.kind}`).toBe(naive.size);
        }
        // A final match over every hash in chain order, and holds() for each worker and hash.
        const all = Array.from({ length: 12 }, (_, i) => `h${i}` as BlockHash);
        expect(Array.from(index.matchAll(all))).toEqual(naive.matchAll(all));
        const held = (has: (w: number, h: BlockHash) => boolean) =>
          Array.from({ length: workers }, (_, w) => all.filter((h) => has(w, h)).join(' '));
        expect(held((w, h) => index.holds(w, h))).toEqual(held((w, h) => naive.sets[w]!.has(h)));
      }),
      { numRuns: 1500 },
    );
  });
});
