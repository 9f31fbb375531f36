// The approximate view of SGLang's, SMG's and AIBrix's routers (and Dynamo's without KV events):
// the router believes a worker holds every prompt block it sent there, and forgets them by its own
// rules, never by what the worker evicted.
//
// Each (worker, block) entry remembers when the router last sent that block there. Forgetting:
//   1. idle entries: last sent more than `ttlMs` ago (AIBrix: 20 min; Dynamo approx: 120 s);
//   2. over budget, checked every `evictionIntervalMs` from time 0 (SGLang's eviction thread):
//      while the entries exceed `maxBlocks` (per worker, or all workers together when `shared`),
//      the least recently sent first; among entries sent at the same instant, the deeper first,
//      so a prefix never outlives what extends it (a tree evicts leaves first).
// Entries live in one Map per worker in recency order (a re-sent block moves to the end), so both
// rules drop from the front: O(1) per dropped entry.

import type { BlockHash } from '../cache/hash.ts';
import type { WorkerId } from '../messages.ts';
import { RoutingOptionError } from './errors.ts';
import type { PrefixIndex } from './prefix-index.ts';

export interface ApproxLimits {
  /** Most entries kept (per worker, or in all when `shared`); Infinity: no budget. */
  readonly maxBlocks: number;
  readonly shared: boolean;
  /** How often the budget is enforced, ms. */
  readonly evictionIntervalMs: number;
  /** Entries not sent again for longer than this are dropped, ms; Infinity: never. */
  readonly ttlMs: number;
}

export const NO_LIMITS: ApproxLimits = { maxBlocks: Infinity, shared: false, evictionIntervalMs: 0, ttlMs: Infinity };

/** The router's own record of what it sent where, with its eviction rules, kept in a PrefixIndex. */
export class ApproxTree {
  private readonly recency: Map<BlockHash, number>[];
  private nextCheck: number;
  private total = 0;

  constructor(private readonly index: PrefixIndex, readonly limits: ApproxLimits) {
    const { maxBlocks, evictionIntervalMs, ttlMs } = limits;
    if (!(maxBlocks >= 1)) throw new RoutingOptionError(`maxBlocks is ${maxBlocks}; it must be ≥ 1 (Infinity: no budget)`);
    if (maxBlocks !== Infinity && !(evictionIntervalMs > 0 && Number.isFinite(evictionIntervalMs))) {
      throw new RoutingOptionError(`evictionIntervalMs is ${evictionIntervalMs}; a budget needs a finite interval > 0`);
    }
    if (!(ttlMs > 0)) throw new RoutingOptionError(`ttlMs is ${ttlMs}; it must be > 0 (Infinity: never)`);
    this.recency = Array.from({ length: index.workerCount }, () => new Map<BlockHash, number>());
    this.nextCheck = maxBlocks === Infinity ? Infinity : evictionIntervalMs;
  }

  /** Entries held for `worker`. */
  size(worker: WorkerId): number {
    return this.recency[worker]!.size;
  }

  /** The router sent a request with these prompt hashes to `worker` at `now`. */
  record(worker: WorkerId, hashes: readonly BlockHash[], now: number): void {
    this.index.store(worker, hashes);
    const entries = this.recency[worker]!;
    const before = entries.size;
    // Deepest first: among entries of one instant, the front of the Map (dropped first) is deeper.
    for (let i = hashes.length - 1; i >= 0; i--) {
      const hash = hashes[i]!;
      entries.delete(hash);
      entries.set(hash, now);
    }
    this.total += entries.size - before;
  }

  /** Drops, as of `now`, the idle entries and (when a check is due) those over budget. */
  prune(now: number): void {
    const { ttlMs, maxBlocks, evictionIntervalMs } = this.limits;
    if (ttlMs !== Infinity) {
      for (let w = 0; w < this.recency.length; w++) this.dropWhile(w, (at) => now - at > ttlMs);
    }
    if (now < this.nextCheck) return;
    this.nextCheck += evictionIntervalMs * (Math.floor((now - this.nextCheck) / evictionIntervalMs) + 1);
    if (!this.limits.shared) {
      for (let w = 0; w < this.recency.length; w++) {
        const entries = this.recency[w]!;
        let excess = entries.size - maxBlocks;
        this.dropWhile(w, () => excess-- > 0);
      }
      return;
    }
    while (this.total > maxBlocks) this.dropOldestOfAll();
  }

  /** Forgets everything of `worker`. */
  clear(worker: WorkerId): void {
    this.total -= this.recency[worker]!.size;
    this.recency[worker]!.clear();
    this.index.clear(worker);
  }

  private dropWhile(worker: WorkerId, drop: (at: number) => boolean): void {
    const entries = this.recency[worker]!;
    const dropped: BlockHash[] = [];
    for (const [hash, at] of entries) {
      if (!drop(at)) break;
      dropped.push(hash);
    }
    if (dropped.length === 0) return;
    for (const hash of dropped) entries.delete(hash);
    this.total -= dropped.length;
    this.index.remove(worker, dropped);
  }

  /** Drops the least recently sent entry of all workers (ties: the lowest worker id). */
  private dropOldestOfAll(): void {
    let oldest = -1;
    let oldestAt = Infinity;
    for (let w = 0; w < this.recency.length; w++) {
      const first = this.recency[w]!.values().next();
      if (!first.done && first.value < oldestAt) {
        oldest = w;
        oldestAt = first.value;
      }
    }
    const entries = this.recency[oldest]!;
    const hash = entries.keys().next().value!;
    entries.delete(hash);
    this.total--;
    this.index.remove(oldest, [hash]);
  }
}
