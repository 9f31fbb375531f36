// The public API of stateful-cache-router, and nothing else.

export { BlockPool } from './cache/block-pool.ts';
export type { Allocation, BlockPoolOptions, PoolStats, PoolUsage, SequenceId } from './cache/block-pool.ts';
export {
  CAPACITY_PROFILES,
  DEFAULT_PROFILE,
  LLAMA2_13B_A100_40GB,
  LLAMA2_7B_A100_80GB,
  LLAMA3_8B_H100_80GB,
  CapacityProfileError,
  UnknownProfileError,
  blocksPerWorker,
  bytesPerBlock,
  getProfile,
  kvBudgetBytes,
} from './cache/capacity.ts';
export type { CapacityProfile } from './cache/capacity.ts';
export {
  CacheError,
  DoubleReleaseError,
  DuplicateSequenceError,
  InvariantError,
  SequenceTooLargeError,
  UnknownSequenceError,
} from './cache/errors.ts';
export { ChainHasher, DEFAULT_BLOCK_SIZE, DEFAULT_ROOT, InvalidTokenError, isBlockHash, rootHashFromSeed } from './cache/hash.ts';
export type { BlockHash, ChainHasherOptions, ExtraKeys } from './cache/hash.ts';
export type { KvCacheEvent, KvCleared, KvRemoved, KvStored } from './cache/kv-events.ts';
