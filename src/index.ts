// The public API of stateful-cache-router's core: the cluster, its cache, clock, messages,
// routing and metrics. Nothing here loads a model, a plotting library or a command-line library:
// those are the subpaths' (stateful-cache-router/model, /workload, /report, /experiment).

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
  CacheOptionError,
  DoubleReleaseError,
  DuplicateSequenceError,
  InvariantError,
  SequenceTooLargeError,
  UnknownSequenceError,
} from './cache/errors.ts';
export { ChainHasher, DEFAULT_BLOCK_SIZE, DEFAULT_ROOT, InvalidTokenError, isBlockHash, rootHashFromSeed } from './cache/hash.ts';
export type { BlockHash, ChainHasherOptions, ExtraKeys } from './cache/hash.ts';
export type { KvCacheEvent, KvCleared, KvRemoved, KvStored } from './cache/kv-events.ts';

// The root of every error meant for the user.
export { SimulatorError } from './errors.ts';

// The running system.
export { createCluster } from './actors/cluster.ts';
export type { Cluster, ClusterSnapshot, RunOptions, WorkerSnapshot } from './actors/cluster.ts';
export { ClusterConfigError } from './actors/cluster-options.ts';
export type { ClusterOptions } from './actors/cluster-options.ts';
export { InvalidRequestError } from './actors/request-input.ts';
export { SubscriberError } from './actors/guarded-observable.ts';
export type { LazyPrompt, RequestInput } from './actors/request-input.ts';
export { MessageBus, DeliveryDelayError } from './actors/bus.ts';
export type { DeliveryDelays } from './actors/bus.ts';
export { VirtualClock, ClockOptionError, InvalidDelayError, RunawayTimersError, TimeReversalError } from './actors/virtual-clock.ts';
export type { Clock, TimerId } from './actors/virtual-clock.ts';
export { RealtimeClock } from './actors/realtime-clock.ts';

// Messages, timing and the seeded PRNG.
export { createPrng } from './prng.ts';
export type * from './messages.ts';
export { tokenAt } from './messages.ts';
export {
  DEFAULT_LATENCY, LATENCY_MODEL_NAMES, LatencyModelError, ROOFLINE_DEFAULTS, customLatency, decodeMs, latencyModel, prefillMs, quantizeMs,
  resolveLatency, rooflineFacts, rooflineLatency,
} from './latency-model.ts';
export type { LatencyModel, LatencyModelName, LatencyOption, RooflineFacts, RooflineOptions, SeedLatency, SeedLatencyParams, Step, StepLatency } from './latency-model.ts';
export { DEFAULT_MAX_RUNNING, batchLimits, vllmBatchDefaults } from './batch-limits.ts';
export type { BatchLimits } from './batch-limits.ts';

// Machines, for inspection and embedding.
export { workerMachine } from './machines/worker.machine.ts';
export { routerMachine } from './machines/router.machine.ts';
export { WorkerEngine } from './machines/worker-engine.ts';
export { RouterCore } from './machines/router-core.ts';

// Routing.
export { STRATEGY_NAMES, createStrategy, isStrategyName, assertValidChoice } from './routing/strategies.ts';
export type { StrategyName } from './routing/strategies.ts';
export { createCacheAware, cacheAware, CACHE_AWARE_DEFAULTS } from './routing/cache-aware.ts';
export type { CacheAwareOptions } from './routing/cache-aware.ts';
export { roundRobin } from './routing/round-robin.ts';
export { leastLoaded } from './routing/least-loaded.ts';
export { longestPrefix } from './routing/longest-prefix.ts';
export { RouterView } from './routing/router-view.ts';
export type { RouterViewOptions, ViewMode } from './routing/router-view.ts';
export { PrefixIndex } from './routing/prefix-index.ts';
export { NoWorkerAliveError, UnknownStrategyError, InvalidChoiceError, RoutingError } from './routing/errors.ts';
export type { RouteRequest, RoutingChoice, RoutingContext, Strategy, WorkerLoad } from './routing/types.ts';

// Metrics.
export { MetricsRecorder } from './metrics/recorder.ts';
export type { Accounting, MetricsRecorderOptions } from './metrics/recorder.ts';
export { summarize, loadImbalance } from './metrics/summary.ts';
export type { RunSummary } from './metrics/summary.ts';
export { roundSummary } from './metrics/round.ts';
export type { RequestRecord } from './metrics/request-record.ts';

// Tokens without a model (the subpath /model has the models).
export { createDummyTokenSource } from './model/dummy.ts';
export type { DummyTokenOptions } from './model/dummy.ts';
export type { SequenceTokens, TokenSource } from './model/token-source.ts';
