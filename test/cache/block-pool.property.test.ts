// The pool against a deliberately simple reference: an array of blocks scanned linearly, with
// the eviction order written as a sort key (release time, then depth) instead of a linked list.
// Random allocate / extend / release / lookup sequences on small pools must agree step by step
// in every result, every KV event and every counter, with all invariants holding after each step.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockPool, type PoolStats } from '../../src/cache/block-pool.ts';
import { DuplicateSequenceError, SequenceTooLargeError } from '../../src/cache/errors.ts';
import type { BlockHash } from '../../src/cache/hash.ts';

const BS = 4;

interface RefBlock {
  hash: string | null;
  ref: number;
  releasedAt: number; // the release() call that brought the count to 0
  depth: number; // position in the sequence that released it
}

interface RefSequence {
  blocks: number[];
  numTokens: number;
  registered: number;
}

type FlatEvent = readonly [kind: 'stored', hash: string, parent: string | null] | readonly [kind: 'removed', hash: string];

class ReferencePool {
  blocks: RefBlock[] = [];
  seqs = new Map<number, RefSequence>();
  events: FlatEvent[] = [];
  releases = 0;
  stats: PoolStats = { queriedTokens: 0, hitTokens: 0, queriedBlocks: 0, hitBlocks: 0, storedBlocks: 0, evictions: 0 };

  constructor(
    readonly capacity: number,
    readonly uncachedFreed: 'tail' | 'head' = 'tail',
  ) {
    if (Number.isFinite(capacity)) {
      for (let i = 0; i < capacity; i++) this.blocks.push({ hash: null, ref: 0, releasedAt: -1, depth: 0 });
    }
  }

  find(hash: string): number {
    return this.blocks.findIndex((b) => b.hash === hash);
  }

  lookup(hashes: readonly string[]): number {
    let n = 0;
    while (n < hashes.length && this.find(hashes[n]!) >= 0) n++;
    return n;
  }

  freeCount(): number {
    if (!Number.isFinite(this.capacity)) return Infinity;
    return this.blocks.filter((b) => b.ref === 0).length;
  }

  /**
   * A free block. 'head': one without a hash if any (they are put first), else the earliest
   * released, deepest first. 'tail' (vLLM): the earliest released, deepest first, hash or not; an
   * unbounded pool grows rather than evict.
   */
  take(): number {
    const free = this.blocks.map((b, i) => [b, i] as const).filter(([b]) => b.ref === 0);
    free.sort(([a], [b]) => a.releasedAt - b.releasedAt || b.depth - a.depth);
    const blank = this.uncachedFreed === 'head' ? free.find(([b]) => b.hash === null) : free[0]?.[0].hash === null ? free[0] : undefined;
    let id: number;
    if (blank !== undefined) id = blank[1];
    else if (!Number.isFinite(this.capacity)) id = this.blocks.push({ hash: null, ref: 0, releasedAt: -1, depth: 0 }) - 1;
    else {
      id = free[0]![1];
      this.events.push(['removed', this.blocks[id]!.hash!]);
      this.blocks[id]!.hash = null;
      this.stats = { ...this.stats, evictions: this.stats.evictions + 1 };
    }
    this.blocks[id]!.ref = 1;
    return id;
  }

  register(id: number, hashes: readonly string[], i: number): void {
    this.blocks[id]!.hash = hashes[i]!;
    this.events.push(['stored', hashes[i]!, i === 0 ? null : hashes[i - 1]!]);
    this.stats = { ...this.stats, storedBlocks: this.stats.storedBlocks + 1 };
  }

  allocate(id: number, hashes: readonly string[], numTokens: number) {
    const needed = Math.ceil(numTokens / BS);
    if (needed > this.capacity) return 'too large';
    const cached = this.lookup(hashes);
    const found = hashes.map((h) => this.find(h));
    const reused = found.filter((b) => b >= 0);
    const reclaimed = reused.filter((b) => this.blocks[b]!.ref === 0).length;
    if (needed - reused.length > this.freeCount() - reclaimed) return null;
    for (const b of reused) this.blocks[b]!.ref++;
    // vLLM's order: every fresh block is taken (evicting) before the new full blocks are cached.
    const blocks = Array.from({ length: needed }, (_, i) => (i < hashes.length && found[i]! >= 0 ? found[i]! : this.take()));
    for (let i = 0; i < hashes.length; i++) if (found[i]! < 0) this.register(blocks[i]!, hashes, i);
    this.seqs.set(id, { blocks, numTokens, registered: hashes.length });
    const s = this.stats;
    this.stats = {
      ...s,
      queriedTokens: s.queriedTokens + numTokens,
      hitTokens: s.hitTokens + cached * BS,
      queriedBlocks: s.queriedBlocks + needed,
      hitBlocks: s.hitBlocks + cached,
    };
    return { cachedBlocks: cached, computedBlocks: needed - cached };
  }

  extend(id: number, numTokens: number, hashes: readonly string[]) {
    const seq = this.seqs.get(id)!;
    const needed = Math.ceil(numTokens / BS);
    if (needed > this.capacity) return 'too large';
    const grow = needed - seq.blocks.length;
    if (grow > this.freeCount()) return false;
    for (let i = 0; i < grow; i++) seq.blocks.push(this.take());
    seq.numTokens = numTokens;
    for (let i = seq.registered; i < hashes.length; i++) {
      const existing = this.find(hashes[i]!);
      if (existing < 0) this.register(seq.blocks[i]!, hashes, i);
      else {
        this.blocks[existing]!.ref++;
        // Handed back: freed now, so it goes behind every block freed before.
        Object.assign(this.blocks[seq.blocks[i]!]!, { ref: 0, releasedAt: this.releases++, depth: 0 });
        seq.blocks[i] = existing;
      }
    }
    seq.registered = Math.max(seq.registered, hashes.length);
    return true;
  }

  release(id: number): void {
    const seq = this.seqs.get(id)!;
    const at = this.releases++;
    seq.blocks.forEach((b, depth) => {
      const block = this.blocks[b]!;
      block.ref--;
      if (block.ref === 0) Object.assign(block, { releasedAt: at, depth });
    });
    this.seqs.delete(id);
  }

  cachedHashes(): string[] {
    return this.blocks.flatMap((b) => (b.hash === null ? [] : [b.hash])).sort();
  }
}

type Op =
  | { kind: 'allocate'; id: number; letters: string; tail: number }
  | { kind: 'extend'; id: number; add: number; letters: string }
  | { kind: 'release'; id: number }
  | { kind: 'lookup'; letters: string };

const letters = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 6 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('allocate' as const), id: fc.nat(2), letters, tail: fc.nat(BS - 1) }),
  fc.record({ kind: fc.constant('extend' as const), id: fc.nat(2), add: fc.integer({ min: 1, max: 3 * BS }), letters }),
  fc.record({ kind: fc.constant('release' as const), id: fc.nat(2) }),
  fc.record({ kind: fc.constant('lookup' as const), letters }),
);

/** Chained stand-in hashes: block i of "abca" is "abc" up to i, e.g. a, ab, abc, abca. */
const prefixHashes = (s: string): BlockHash[] => Array.from(s, (_, i) => s.slice(0, i + 1) as BlockHash);

function flatten(pool: BlockPool): FlatEvent[] {
  return pool.takeEvents().flatMap((e): FlatEvent[] => {
    if (e.type === 'removed') return e.hashes.map((h) => ['removed', h] as const);
    if (e.type === 'stored') return e.hashes.map((h, i) => ['stored', h, i === 0 ? e.parent : e.hashes[i - 1]!] as const);
    throw new Error('no clear() in this run');
  });
}

function runAgainstReference(capacity: number | 'unbounded', ops: Op[], uncachedFreed: 'tail' | 'head' = 'tail'): void {
  const pool = new BlockPool({ capacity, blockSize: BS, uncachedFreed });
  const ref = new ReferencePool(capacity === 'unbounded' ? Infinity : capacity, uncachedFreed);
  // Each live sequence: the letters naming its full blocks, and the tokens of its partial tail.
  const live = new Map<number, { letters: string; tail: number }>();
  for (const [step, op] of ops.entries()) {
    const where = `step ${step}: ${JSON.stringify(op)}`;
    switch (op.kind) {
      case 'allocate': {
        const hashes = prefixHashes(op.letters);
        const numTokens = op.letters.length * BS + op.tail;
        if (numTokens === 0) break;
        if (live.has(op.id)) {
          expect(() => pool.allocate(op.id, hashes, numTokens), where).toThrow(DuplicateSequenceError);
          break;
        }
        const expected = ref.allocate(op.id, hashes, numTokens);
        if (expected === 'too large') {
          expect(pool.canAllocate(hashes, numTokens), where).toBe(false);
          expect(() => pool.allocate(op.id, hashes, numTokens), where).toThrow(SequenceTooLargeError);
          break;
        }
        expect(pool.canAllocate(hashes, numTokens), where).toBe(expected !== null);
        expect(pool.allocate(op.id, hashes, numTokens), where).toEqual(expected);
        if (expected !== null) live.set(op.id, { letters: op.letters, tail: op.tail });
        break;
      }
      case 'extend': {
        const current = live.get(op.id);
        if (current === undefined) break;
        // The new tokens fill the tail, then whole blocks named by op.letters (padded with 'c').
        const numTokens = current.letters.length * BS + current.tail + op.add;
        const fullBlocks = Math.floor(numTokens / BS);
        const next = (current.letters + op.letters.padEnd(fullBlocks, 'c')).slice(0, fullBlocks);
        const hashes = prefixHashes(next);
        const expected = ref.extend(op.id, numTokens, hashes);
        if (expected === 'too large') {
          expect(() => pool.extend(op.id, numTokens, hashes), where).toThrow(SequenceTooLargeError);
          break;
        }
        expect(pool.extend(op.id, numTokens, hashes), where).toBe(expected);
        if (expected) live.set(op.id, { letters: next, tail: numTokens % BS });
        break;
      }
      case 'release': {
        if (!live.has(op.id)) {
          expect(() => pool.release(op.id), where).toThrow();
          break;
        }
        pool.release(op.id);
        ref.release(op.id);
        live.delete(op.id);
        break;
      }
      case 'lookup':
        expect(pool.lookup(prefixHashes(op.letters)), where).toBe(ref.lookup(prefixHashes(op.letters)));
        break;
    }
    pool.checkInvariants();
    expect(flatten(pool), where).toEqual(ref.events.splice(0));
    expect(pool.stats(), where).toEqual(ref.stats);
    const usage = pool.usage();
    expect(usage.used, where).toBe(ref.blocks.filter((b) => b.ref > 0).length);
    expect(usage.cached, where).toBe(ref.cachedHashes().length);
    for (const hash of ref.cachedHashes()) expect(pool.lookup([hash as BlockHash]), `${where}: ${hash}`).toBe(1);
  }
}

describe('BlockPool (properties)', () => {
  for (const where of ['tail', 'head'] as const) {
    it(`agrees step by step with a simple reference on small bounded pools (freed partial blocks to the ${where})`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 10 }), fc.array(opArb, { minLength: 10, maxLength: 60 }), (capacity, ops) => {
          runAgainstReference(capacity, ops, where);
        }),
        { numRuns: 1000 },
      );
    });

    it(`agrees step by step with a simple reference when unbounded (freed partial blocks to the ${where})`, () => {
      fc.assert(
        fc.property(fc.array(opArb, { minLength: 10, maxLength: 60 }), (ops) => runAgainstReference('unbounded', ops, where)),
        { numRuns: 700 },
      );
    });
  }
});
