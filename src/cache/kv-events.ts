// What a worker's cache announces (vLLM's BlockStored / BlockRemoved / AllBlocksCleared). The
// router's `events` view is built from these and nothing else.

import type { BlockHash } from './hash.ts';

/** Blocks that became findable: a chain run, each hash the child of the one before it. */
export interface KvStored {
  readonly type: 'stored';
  /** The hash the first block chains from; null when the run starts at block 0. */
  readonly parent: BlockHash | null;
  readonly hashes: readonly BlockHash[];
}

/** Cached blocks whose slots were reused: no longer findable. */
export interface KvRemoved {
  readonly type: 'removed';
  readonly hashes: readonly BlockHash[];
}

/** Every cached block was dropped at once. */
export interface KvCleared {
  readonly type: 'cleared';
}

export type KvCacheEvent = KvStored | KvRemoved | KvCleared;
