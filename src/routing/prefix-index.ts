// The router's belief of which block hashes each worker holds (Dynamo's indexer, flattened).
//
// One Map from hash to the set of workers holding it, as a bitmask: a plain int32 when there are
// at most 32 workers (no allocation per entry), else a Uint32Array of ceil(workers / 32) words.
// Because hashes are chained, "worker w has the first k blocks" is the same as "w holds each of
// hashes[0..k)"; matchAll walks the request's hashes once, intersecting the set of workers still
// matching, and stops at the first hash no remaining worker holds.
//
// Invariant: an entry's set is never empty (removing a hash from its last worker deletes it).

import type { BlockHash } from '../cache/hash.ts';
import type { WorkerId } from '../messages.ts';
import { RoutingOptionError, UnknownWorkerError } from './errors.ts';

const WORD_BITS = 32;

/** Which workers hold which block hashes, and how long a prefix of a request each one holds. */
export class PrefixIndex {
  readonly workerCount: number;
  // Exactly one of the two maps is used: `small` when workerCount ≤ 32, else `wide`.
  private readonly small = new Map<BlockHash, number>();
  private readonly wide = new Map<BlockHash, Uint32Array>();
  private readonly words: number;
  // Every existing worker, as matchAll's starting set (per word in the wide case).
  private readonly everyone: Uint32Array;
  // matchAll's set of workers still matching (wide case), reused across calls.
  private readonly live: Uint32Array;
  // Hashes each worker holds.
  private readonly held: Int32Array;

  constructor(workerCount: number) {
    if (!Number.isInteger(workerCount) || workerCount < 1) {
      throw new RoutingOptionError(`workerCount is ${workerCount}; it must be a positive integer`);
    }
    this.workerCount = workerCount;
    this.words = Math.ceil(workerCount / WORD_BITS);
    this.live = new Uint32Array(this.words);
    this.held = new Int32Array(workerCount);
    this.everyone = new Uint32Array(this.words).fill(0xffffffff);
    const tail = workerCount % WORD_BITS;
    if (tail !== 0) this.everyone[this.words - 1] = (1 << tail) - 1;
  }

  /** Number of distinct hashes held by at least one worker. */
  get size(): number {
    return this.words === 1 ? this.small.size : this.wide.size;
  }

  /** Number of hashes `worker` holds. */
  sizeOf(worker: WorkerId): number {
    this.check(worker);
    return this.held[worker]!;
  }

  /** Records that `worker` holds each of `hashes`. */
  store(worker: WorkerId, hashes: readonly BlockHash[]): void {
    this.check(worker);
    const bit = 1 << (worker & 31);
    if (this.words === 1) {
      for (const hash of hashes) {
        const held = this.small.get(hash);
        if (held === undefined) this.small.set(hash, bit);
        else if ((held & bit) === 0) this.small.set(hash, held | bit);
        else continue;
        this.held[worker]!++;
      }
      return;
    }
    const word = worker >>> 5;
    for (const hash of hashes) {
      let set = this.wide.get(hash);
      if (set === undefined) {
        set = new Uint32Array(this.words);
        this.wide.set(hash, set);
      }
      if ((set[word]! & bit) !== 0) continue;
      set[word]! |= bit;
      this.held[worker]!++;
    }
  }

  /** Records that `worker` no longer holds `hashes`; hashes it did not hold are ignored. */
  remove(worker: WorkerId, hashes: readonly BlockHash[]): void {
    this.check(worker);
    for (const hash of hashes) this.drop(worker, hash);
  }

  /** Forgets everything `worker` holds. O(entries): it happens when a worker clears or goes down. */
  clear(worker: WorkerId): void {
    this.check(worker);
    // Deleting the current entry while iterating a Map is safe in JavaScript.
    const keys = this.words === 1 ? this.small.keys() : this.wide.keys();
    for (const hash of keys) this.drop(worker, hash);
  }

  /** Whether `worker` holds `hash`. */
  holds(worker: WorkerId, hash: BlockHash): boolean {
    this.check(worker);
    const bit = 1 << (worker & 31);
    if (this.words === 1) return ((this.small.get(hash) ?? 0) & bit) !== 0;
    const set = this.wide.get(hash);
    return set !== undefined && (set[worker >>> 5]! & bit) !== 0;
  }

  /** How many leading `hashes` one worker holds: O(that count + 1) look-ups. */
  match(worker: WorkerId, hashes: readonly BlockHash[]): number {
    let n = 0;
    while (n < hashes.length && this.holds(worker, hashes[n]!)) n++;
    return n;
  }

  /**
   * For each worker, how many leading `hashes` it holds, written into `out` (length ≥ workerCount;
   * allocated when absent). O(longest match + 1) Map look-ups, whatever the number of workers.
   */
  matchAll(hashes: readonly BlockHash[], out: Int32Array = new Int32Array(this.workerCount)): Int32Array {
    if (out.length < this.workerCount) {
      throw new RoutingOptionError(`out has ${out.length} slots; it needs one per worker (${this.workerCount})`);
    }
    out.fill(0, 0, this.workerCount);
    if (this.words === 1) this.matchSmall(hashes, out);
    else this.matchWide(hashes, out);
    return out;
  }

  private matchSmall(hashes: readonly BlockHash[], out: Int32Array): void {
    // live: workers holding every hash so far; a worker leaving it at hash i matched i blocks.
    let live = this.everyone[0]! | 0;
    let i = 0;
    for (; i < hashes.length; i++) {
      const next = live & (this.small.get(hashes[i]!) ?? 0);
      setBits(out, 0, live & ~next, i);
      live = next;
      if (live === 0) return;
    }
    setBits(out, 0, live, i);
  }

  private matchWide(hashes: readonly BlockHash[], out: Int32Array): void {
    const live = this.live;
    live.set(this.everyone);
    let i = 0;
    for (; i < hashes.length; i++) {
      const set = this.wide.get(hashes[i]!);
      let any = 0;
      for (let k = 0; k < this.words; k++) {
        const prev = live[k]!;
        const next = set === undefined ? 0 : prev & set[k]!;
        setBits(out, k * WORD_BITS, prev & ~next, i);
        live[k] = next;
        any |= next;
      }
      if (any === 0) return;
    }
    for (let k = 0; k < this.words; k++) setBits(out, k * WORD_BITS, live[k]!, i);
  }

  private drop(worker: WorkerId, hash: BlockHash): void {
    const bit = 1 << (worker & 31);
    if (this.words === 1) {
      const set = this.small.get(hash);
      if (set === undefined || (set & bit) === 0) return;
      this.held[worker]!--;
      const rest = set & ~bit;
      if (rest === 0) this.small.delete(hash);
      else this.small.set(hash, rest);
      return;
    }
    const set = this.wide.get(hash);
    if (set === undefined || (set[worker >>> 5]! & bit) === 0) return;
    this.held[worker]!--;
    set[worker >>> 5]! &= ~bit;
    for (let k = 0; k < this.words; k++) if (set[k] !== 0) return;
    this.wide.delete(hash);
  }

  private check(worker: WorkerId): void {
    if (!Number.isInteger(worker) || worker < 0 || worker >= this.workerCount) {
      throw new UnknownWorkerError(worker, this.workerCount);
    }
  }
}

/** out[base + b] = value for every set bit b of `mask`. */
function setBits(out: Int32Array, base: number, mask: number, value: number): void {
  while (mask !== 0) {
    const low = mask & -mask;
    out[base + 31 - Math.clz32(low)] = value;
    mask ^= low;
  }
}
