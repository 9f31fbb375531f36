// A worker's paged KV cache (DESIGN §3.3): a fixed number of blocks, reference counted, with
// prefix caching. A block whose count drops to 0 keeps its hash and stays findable until its
// slot is taken for another block (lazy eviction, in the order of FreeQueue).
//
// Invariants, checked by checkInvariants():
//   - 0 ≤ refcount; a block's count = the live sequences holding it;
//   - a block is in the free queue exactly when its count is 0, so used + free = capacity;
//   - only free-queue blocks are ever evicted, so a referenced block never is;
//   - every cached hash maps to exactly one block, and that block holds it.

import {
  CacheOptionError,
  DoubleReleaseError,
  DuplicateSequenceError,
  InvariantError,
  SequenceTooLargeError,
  UnknownSequenceError,
} from './errors.ts';
import { FreeQueue } from './free-queue.ts';
import { DEFAULT_BLOCK_SIZE, type BlockHash } from './hash.ts';
import type { KvCacheEvent, KvRemoved, KvStored } from './kv-events.ts';
import { RecentIds } from './recent-ids.ts';

export type SequenceId = string | number;

export interface BlockPoolOptions {
  /** Number of blocks, or 'unbounded' for oracle runs (never evicts). */
  readonly capacity: number | 'unbounded';
  /** Tokens per block; must match the hasher's. */
  readonly blockSize?: number;
  /**
   * Where a freed block that holds no cached hash (a sequence's partial last block) goes in the
   * free queue: 'tail' (default) as vLLM's free_blocks appends every freed block; 'head' to be
   * taken first, which spares cached blocks a little longer.
   */
  readonly uncachedFreed?: UncachedFreed;
}

/** Where freed blocks without a cached hash go in the free queue (see BlockPoolOptions). */
export type UncachedFreed = 'tail' | 'head';

/** The outcome of admitting a sequence. */
export interface Allocation {
  /** Leading blocks found in the cache: their tokens need no compute. */
  readonly cachedBlocks: number;
  /** Blocks from the first miss on, the partial tail included: these are computed. */
  readonly computedBlocks: number;
}

/** Counters, as vLLM's prefix_cache_queries / prefix_cache_hits (tokens) plus block counts. */
export interface PoolStats {
  readonly queriedTokens: number;
  readonly hitTokens: number;
  readonly queriedBlocks: number;
  readonly hitBlocks: number;
  readonly storedBlocks: number;
  readonly evictions: number;
}

export interface PoolUsage {
  readonly capacity: number | 'unbounded';
  /** Blocks held by at least one sequence. */
  readonly used: number;
  /** Blocks with count 0 (for an unbounded pool: those created so far). */
  readonly free: number;
  /** Blocks holding a hash, referenced or not. */
  readonly cached: number;
  /** Cached blocks with count 0: findable, and the next to be evicted. */
  readonly evictable: number;
}

interface Sequence {
  readonly blocks: number[];
  numTokens: number;
  /** Blocks [0, registered) hold their hash. */
  registered: number;
}

const RECENTLY_RELEASED = 4096;
const NO_EVENTS: readonly KvCacheEvent[] = Object.freeze([]);

export class BlockPool {
  readonly capacity: number | 'unbounded';
  readonly blockSize: number;
  readonly uncachedFreed: UncachedFreed;
  private readonly free = new FreeQueue();
  private refCount: Int32Array;
  private readonly blockHash: (BlockHash | undefined)[] = [];
  private readonly hashToBlock = new Map<BlockHash, number>();
  private readonly sequences = new Map<SequenceId, Sequence>();
  private readonly released = new RecentIds<SequenceId>(RECENTLY_RELEASED);
  private events: KvCacheEvent[] = [];
  // The last event, while takeEvents() has not handed it out: a removal appends to a removal, a
  // stored block to a stored run whose last hash is its parent, even across operations.
  private openEvent: { type: 'stored' | 'removed'; hashes: BlockHash[] } | null = null;
  private numBlocks = 0;
  private cachedCount = 0;
  private counters = { queriedTokens: 0, hitTokens: 0, queriedBlocks: 0, hitBlocks: 0, storedBlocks: 0, evictions: 0 };
  // Results of the last scan(): the cached block at each hashed position (or −1), the leading
  // cached blocks, the cached blocks anywhere, and those of them at count 0.
  private found = new Int32Array(64);
  private scanCached = 0;
  private scanReused = 0;
  private scanReclaimed = 0;

  constructor(options: BlockPoolOptions) {
    const { capacity } = options;
    if (capacity !== 'unbounded' && (!Number.isInteger(capacity) || capacity < 1)) {
      throw new CacheOptionError(`capacity is ${capacity}; it must be a positive integer or 'unbounded'`);
    }
    const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new CacheOptionError(`blockSize is ${blockSize}; it must be a positive integer`);
    }
    this.capacity = capacity;
    this.blockSize = blockSize;
    this.uncachedFreed = options.uncachedFreed ?? 'tail';
    this.refCount = new Int32Array(capacity === 'unbounded' ? 1024 : capacity);
    if (capacity !== 'unbounded') {
      for (let id = 0; id < capacity; id++) this.createBlock();
    }
  }

  /** Number of leading blocks of `hashes` that are cached; changes nothing. */
  lookup(hashes: readonly BlockHash[]): number {
    let n = 0;
    while (n < hashes.length && this.hashToBlock.has(hashes[n] as BlockHash)) n++;
    return n;
  }

  /** Whether a sequence with this id holds blocks. */
  has(sequence: SequenceId): boolean {
    return this.sequences.has(sequence);
  }

  /** The blocks a live sequence holds, in order. */
  blocksOf(sequence: SequenceId): readonly number[] {
    return this.get(sequence, 'read').blocks;
  }

  /**
   * Admits a sequence of `numTokens` tokens whose full blocks have `hashes`: cached leading
   * blocks are reused, the rest are fresh blocks, and every hashed block is registered at once
   * (as vLLM does on allocation) so a sequence admitted right after reuses them. Returns null,
   * changing nothing, when too few blocks are free now; throws SequenceTooLargeError when the
   * sequence can never fit.
   */
  allocate(sequence: SequenceId, hashes: readonly BlockHash[], numTokens: number): Allocation | null {
    if (this.sequences.has(sequence)) throw new DuplicateSequenceError(sequence);
    const needed = this.blocksFor(sequence, numTokens, hashes.length);
    this.scan(hashes);
    const { scanCached: cached, scanReused: reused, scanReclaimed: reclaimed } = this;
    if (!this.canTake(needed - reused, reclaimed)) return null;

    const blocks: number[] = new Array<number>(needed);
    // Touch every reused block before taking fresh ones, so that no eviction takes them.
    for (let i = 0; i < hashes.length; i++) {
      const block = this.found[i] as number;
      if (block >= 0) this.touch(block);
      blocks[i] = block;
    }
    // Every fresh block is taken before any is registered, as vLLM's allocate_slots evicts all it
    // needs and then caches the full blocks: one removed run, then one stored run, not a pair per block.
    for (let i = 0; i < needed; i++) {
      if (i >= hashes.length || (blocks[i] as number) < 0) blocks[i] = this.takeFresh();
    }
    for (let i = 0; i < hashes.length; i++) {
      if ((this.found[i] as number) < 0) this.register(blocks[i] as number, hashes, i);
    }
    this.sequences.set(sequence, { blocks, numTokens, registered: hashes.length });
    this.released.delete(sequence);

    const c = this.counters;
    c.queriedTokens += numTokens;
    c.hitTokens += cached * this.blockSize;
    c.queriedBlocks += needed;
    c.hitBlocks += cached;
    return { cachedBlocks: cached, computedBlocks: needed - cached };
  }

  /** Whether allocate(…, hashes, numTokens) would succeed now (never fits → false); changes nothing. */
  canAllocate(hashes: readonly BlockHash[], numTokens: number): boolean {
    const needed = Math.ceil(numTokens / this.blockSize);
    if (this.capacity === 'unbounded') return true;
    if (needed > this.capacity) return false;
    // Enough free blocks for the whole sequence: it fits whatever it finds cached.
    if (needed <= this.free.size) return true;
    this.scan(hashes);
    return this.canTake(needed - this.scanReused, this.scanReclaimed);
  }

  /** Free blocks (count 0, cached or not); Infinity for an unbounded pool. */
  freeBlocks(): number {
    return this.capacity === 'unbounded' ? Infinity : this.free.size;
  }

  /**
   * Grows a live sequence to `numTokens` tokens and registers the blocks of `hashes` (the
   * sequence's full-block hashes so far) that were not registered yet. Returns false, changing
   * nothing, when too few blocks are free for the growth.
   */
  extend(sequence: SequenceId, numTokens: number, hashes: readonly BlockHash[]): boolean {
    const seq = this.get(sequence, 'extend');
    if (numTokens < seq.numTokens) {
      throw new CacheOptionError(`sequence ${String(sequence)} has ${seq.numTokens} tokens; it cannot shrink to ${numTokens}`);
    }
    const needed = this.blocksFor(sequence, numTokens, hashes.length);
    const grow = needed - seq.blocks.length;
    if (grow > 0 && !this.canTake(grow, 0)) return false;

    for (let i = 0; i < grow; i++) seq.blocks.push(this.takeFresh());
    seq.numTokens = numTokens;
    for (let i = seq.registered; i < hashes.length; i++) {
      const hash = hashes[i] as BlockHash;
      const existing = this.hashToBlock.get(hash);
      if (existing === undefined) {
        this.register(seq.blocks[i] as number, hashes, i);
      } else {
        // Another sequence produced the same block first: share it, hand ours back.
        this.touch(existing);
        this.unref(seq.blocks[i] as number);
        seq.blocks[i] = existing;
      }
    }
    seq.registered = Math.max(seq.registered, hashes.length);
    return true;
  }

  /** Drops a sequence's hold on its blocks; those at count 0 stay cached and evictable. */
  release(sequence: SequenceId): void {
    const seq = this.sequences.get(sequence);
    if (seq === undefined) {
      if (this.released.has(sequence)) throw new DoubleReleaseError(sequence);
      throw new UnknownSequenceError(sequence, 'release');
    }
    // Deepest first, so that among the blocks freed here the deepest is evicted first.
    for (let i = seq.blocks.length - 1; i >= 0; i--) this.unref(seq.blocks[i] as number);
    this.sequences.delete(sequence);
    this.released.add(sequence);
  }

  /** Forgets every cached hash (vLLM's reset_prefix_cache); only possible while nothing runs. */
  clear(): void {
    if (this.sequences.size > 0) {
      throw new InvariantError(`cannot clear the cache while ${this.sequences.size} sequences hold blocks`);
    }
    if (this.cachedCount === 0) return;
    for (const block of this.hashToBlock.values()) this.blockHash[block] = undefined;
    this.hashToBlock.clear();
    this.cachedCount = 0;
    this.openEvent = null;
    this.events.push({ type: 'cleared' });
  }

  /** The KV events since the last call, in order; the pool forgets them. */
  takeEvents(): readonly KvCacheEvent[] {
    // Asked after every step of every worker, and usually empty: no new array then.
    if (this.events.length === 0) return NO_EVENTS;
    const out = this.events;
    this.events = [];
    this.openEvent = null;
    return out;
  }

  stats(): PoolStats {
    return { ...this.counters };
  }

  usage(): PoolUsage {
    const free = this.free.size;
    let evictable = 0;
    for (const block of this.free) if (this.blockHash[block] !== undefined) evictable++;
    return { capacity: this.capacity, used: this.numBlocks - free, free, cached: this.cachedCount, evictable };
  }

  /** Throws InvariantError naming the first broken invariant of DESIGN §3.3. O(blocks). */
  checkInvariants(): void {
    const holders = new Int32Array(this.numBlocks);
    for (const seq of this.sequences.values()) for (const b of seq.blocks) holders[b]! += 1;
    for (let b = 0; b < this.numBlocks; b++) {
      const ref = this.refCount[b] as number;
      if (ref < 0) throw new InvariantError(`block ${b} has count ${ref}`);
      if (ref !== holders[b]) throw new InvariantError(`block ${b} has count ${ref} but ${holders[b]} holders`);
      if ((ref === 0) !== this.free.has(b)) {
        throw new InvariantError(`block ${b} has count ${ref} and is ${this.free.has(b) ? '' : 'not '}in the free queue`);
      }
      const hash = this.blockHash[b];
      if (hash !== undefined && this.hashToBlock.get(hash) !== b) {
        throw new InvariantError(`block ${b} holds hash ${hash} which maps to block ${this.hashToBlock.get(hash)}`);
      }
    }
    for (const [hash, b] of this.hashToBlock) {
      if (this.blockHash[b] !== hash) throw new InvariantError(`hash ${hash} maps to block ${b} which holds ${this.blockHash[b]}`);
    }
    if (this.hashToBlock.size !== this.cachedCount) {
      throw new InvariantError(`${this.hashToBlock.size} hashes cached but cachedCount is ${this.cachedCount}`);
    }
    const { used, free } = this.usage();
    if (this.capacity !== 'unbounded' && used + free !== this.capacity) {
      throw new InvariantError(`used ${used} + free ${free} ≠ capacity ${this.capacity}`);
    }
  }

  private get(sequence: SequenceId, operation: string): Sequence {
    const seq = this.sequences.get(sequence);
    if (seq === undefined) throw new UnknownSequenceError(sequence, operation);
    return seq;
  }

  /** Blocks needed for `numTokens` tokens, after checking the arguments and the capacity. */
  private blocksFor(sequence: SequenceId, numTokens: number, hashCount: number): number {
    if (!Number.isInteger(numTokens) || numTokens < 1) {
      throw new CacheOptionError(`sequence ${String(sequence)}: numTokens is ${numTokens}; it must be a positive integer`);
    }
    const needed = Math.ceil(numTokens / this.blockSize);
    if (hashCount > Math.floor(numTokens / this.blockSize)) {
      throw new CacheOptionError(`sequence ${String(sequence)}: ${hashCount} block hashes for ${numTokens} tokens (at most ${Math.floor(numTokens / this.blockSize)} full blocks)`);
    }
    if (this.capacity !== 'unbounded' && needed > this.capacity) {
      throw new SequenceTooLargeError(sequence, needed, this.capacity);
    }
    return needed;
  }

  /**
   * Fills `found` with the cached block of each hashed position (−1 if none), and the scan*
   * fields with what allocating would reuse. A hash cached past the first miss is still
   * computed, but shares its block (one block per hash).
   */
  private scan(hashes: readonly BlockHash[]): void {
    if (this.found.length < hashes.length) this.found = new Int32Array(hashes.length * 2);
    let cached = -1;
    let reused = 0;
    let reclaimed = 0;
    for (let i = 0; i < hashes.length; i++) {
      const block = this.hashToBlock.get(hashes[i] as BlockHash) ?? -1;
      this.found[i] = block;
      if (block >= 0) {
        reused++;
        if (this.refCount[block] === 0) reclaimed++;
      } else if (cached < 0) {
        cached = i;
      }
    }
    this.scanCached = cached < 0 ? hashes.length : cached;
    this.scanReused = reused;
    this.scanReclaimed = reclaimed;
  }

  /** Whether `fresh` blocks can be taken once `reclaimed` free blocks have been reused. */
  private canTake(fresh: number, reclaimed: number): boolean {
    return this.capacity === 'unbounded' || fresh <= this.free.size - reclaimed;
  }

  private createBlock(): number {
    const id = this.numBlocks++;
    if (id >= this.refCount.length) {
      const grown = new Int32Array(this.refCount.length * 2);
      grown.set(this.refCount);
      this.refCount = grown;
    }
    this.blockHash.push(undefined);
    this.free.pushBack(id);
    return id;
  }

  /** A block with count 1 and no hash: the first free one, evicting its hash if it has one. */
  private takeFresh(): number {
    let block = this.free.peek();
    if (this.capacity === 'unbounded' && (block < 0 || this.blockHash[block] !== undefined)) {
      block = this.createBlock(); // an oracle cache grows instead of evicting
      this.free.remove(block);
    } else {
      this.free.popFront();
      const hash = this.blockHash[block];
      if (hash !== undefined) {
        this.hashToBlock.delete(hash);
        this.blockHash[block] = undefined;
        this.cachedCount--;
        this.counters.evictions++;
        this.emitRemoved(hash);
      }
    }
    this.refCount[block] = 1;
    return block;
  }

  private touch(block: number): void {
    if (this.refCount[block] === 0) this.free.remove(block);
    this.refCount[block]! += 1;
  }

  private unref(block: number): void {
    const ref = (this.refCount[block] as number) - 1;
    this.refCount[block] = ref;
    if (ref > 0) return;
    if (this.blockHash[block] === undefined && this.uncachedFreed === 'head') this.free.pushFront(block);
    else this.free.pushBack(block);
  }

  private register(block: number, hashes: readonly BlockHash[], index: number): void {
    const hash = hashes[index] as BlockHash;
    this.blockHash[block] = hash;
    this.hashToBlock.set(hash, block);
    this.cachedCount++;
    this.counters.storedBlocks++;
    const parent = index === 0 ? null : (hashes[index - 1] as BlockHash);
    const open = this.openEvent;
    if (open !== null && open.type === 'stored' && open.hashes[open.hashes.length - 1] === parent) {
      open.hashes.push(hash);
    } else {
      const event: KvStored & { hashes: BlockHash[] } = { type: 'stored', parent, hashes: [hash] };
      this.events.push(event);
      this.openEvent = event;
    }
  }

  private emitRemoved(hash: BlockHash): void {
    const open = this.openEvent;
    if (open !== null && open.type === 'removed') {
      open.hashes.push(hash);
    } else {
      const event: KvRemoved & { hashes: BlockHash[] } = { type: 'removed', hashes: [hash] };
      this.events.push(event);
      this.openEvent = event;
    }
  }
}
