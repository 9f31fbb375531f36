// SGLang model gateway's `cache_aware` policy (PEERS.md § sglang), as sgl-project/sglang reads at
// `sgl-model-gateway/src/policies/cache_aware.rs` @b93974f1 (the tree in `policies/tree.rs`; the
// defaults from the gateway's CLI, `sgl-model-gateway/src/main.rs` @f47e04e0):
//
//   1. load guard: (max − min in flight among alive) > balanceAbs AND max > balanceRel × min
//        → the least-in-flight worker                                       (rule 'load-guard')
//   2. else if matched / blocks of the best-matching worker > cacheThreshold (strict: SGLang's
//      `match_rate > cache_threshold`; our cache-aware uses ≥)
//        → that worker; ties: fewest in flight, then lowest id              (rule 'cache-hit')
//   3. else → the least-in-flight worker                                    (rule 'least-in-flight')
//      sglang-legacy (sglang-gateway ≤ v0.3.1, vllm-router ≤ v0.1.15): the alive worker whose
//      tree is smallest (viewBlocks)                                        (rule 'smallest-tree')
//
// View: the router's own approximate tree, one LRU budget per worker (SGLang's
// `evict_tenant_by_size` trims each tenant to `max_tree_size`), checked every eviction interval.
// The router records every decision in the tree, the load guard's too, as SGLang does.
//
// Where this differs from the source, following PEERS.md or the project's rules:
// - SGLang folds min/max load over every worker, healthy or not; dead workers are skipped here.
// - Among workers holding the deepest match SGLang takes the node's cached `last_tenant` (an
//   arbitrary holder); PEERS.md breaks that tie by fewest in flight, then lowest id.
// - SGLang's least-loaded pick is Rust's `min_by_key` (first minimum: lowest index); here the
//   project's tie rule (fewest in flight, fewest sent, lowest id).
// - SGLang's tree counts characters (HTTP); SMG's CLI reads the same budget as tokens on its gRPC
//   tree. Read as tokens, in blocks of 16: 2^26 / 16 = 4,194,304 blocks per worker.
//   NOTE: at ~4 characters per token it would be 2^20 blocks; neither binds at ~1k blocks a worker.
// - sglang-legacy follows PEERS.md: at b93974f1 only the file's header still describes it ("route
//   to the worker with smallest tree size"); its code already takes the least-loaded worker.
// - `CacheAwareConfig::default()` in `policies/mod.rs` (0.5 / 32 / 1.1 / 30 s / 10,000) is only a
//   library fallback; the gateway CLI and the PyO3 binding pass 0.3 / 64 / 1.5 / 120 s / 2^26, as
//   PEERS.md (the Python `router_args.py` @6614f984 says 60 s; this follows the gateway binary).

import { checkFraction, checkGuard, checkTree, throwIfBad, treeView } from './option-checks.ts';
import { countAlive, loadRange, pickBest } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy, WorkerLoad } from './types.ts';

export interface SglangOptions {
  /** The load guard fires only when max − min in flight exceeds this (`balance_abs_threshold`: 64). */
  readonly balanceAbs?: number;
  /** ... and max in flight exceeds this many times the min (`balance_rel_threshold`: 1.5). */
  readonly balanceRel?: number;
  /** Matched fraction of the request's blocks that must be exceeded to route by prefix (`cache_threshold`: 0.3). */
  readonly cacheThreshold?: number;
  /** Blocks the approximate tree keeps per worker (`max_tree_size` 2^26 tokens / 16 = 4,194,304); Infinity: no budget. */
  readonly maxTreeBlocks?: number;
  /** How often the tree budget is enforced, ms (`--eviction-interval` 120 s = 120,000). */
  readonly evictionIntervalMs?: number;
}

export const SGLANG_DEFAULTS: Required<SglangOptions> = {
  balanceAbs: 64,
  balanceRel: 1.5,
  cacheThreshold: 0.3,
  maxTreeBlocks: 2 ** 26 / 16,
  evictionIntervalMs: 120_000,
};

/** SGLang's cache_aware. Rule: load guard → least in flight; else match > 0.3 → best match; else least in flight. */
export function createSglang(options: SglangOptions = {}): Strategy {
  return createPolicy('sglang', options, 'least-in-flight');
}

/** SGLang's cache_aware before v0.3.1: as createSglang, but a low match goes to the smallest tree. */
export function createSglangLegacy(options: SglangOptions = {}): Strategy {
  return createPolicy('sglang-legacy', options, 'smallest-tree');
}

/** The options, each checked; throws one RoutingOptionError naming every bad field. */
function validateSglangOptions(name: string, options: SglangOptions): Required<SglangOptions> {
  const resolved = { ...SGLANG_DEFAULTS, ...options };
  const { balanceAbs, balanceRel, cacheThreshold, maxTreeBlocks, evictionIntervalMs } = resolved;
  const bad: string[] = [];
  checkGuard(balanceAbs, balanceRel, bad);
  checkFraction('cacheThreshold', cacheThreshold, bad);
  checkTree(maxTreeBlocks, evictionIntervalMs, bad);
  throwIfBad(name, bad);
  return resolved;
}

/** A ratio for a reason string: at most three decimals. */
export function formatRate(rate: number): string {
  return String(Math.round(rate * 1000) / 1000);
}

/** The alive worker with the fewest in flight, ties by the tie rule (fewest sent, lowest id). */
export function leastInFlightWorker(workers: readonly WorkerLoad[]): WorkerLoad {
  return pickBest(workers, null, (a, b) => a.inFlight - b.inFlight);
}

function createPolicy(name: string, options: SglangOptions, lowMatch: 'least-in-flight' | 'smallest-tree'): Strategy {
  const { balanceAbs, balanceRel, cacheThreshold, maxTreeBlocks, evictionIntervalMs } = validateSglangOptions(name, options);
  const view = treeView(maxTreeBlocks, evictionIntervalMs, false);

  function sglang(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const { workers, matched } = context;
    countAlive(workers);
    const { min, max } = loadRange(workers);
    const loads = `loads ${min}..${max} in flight`;

    if (max - min > balanceAbs && max > balanceRel * min) {
      const chosen = leastInFlightWorker(workers);
      return {
        workerId: chosen.id,
        rule: 'load-guard',
        reason: `${loads}: ${max} − ${min} > ${balanceAbs} and ${max} > ${balanceRel} × ${min}; least in flight: worker ${chosen.id} (${chosen.inFlight})`,
      };
    }

    const blocks = request.hashes.length;
    // PEERS.md: the deepest match; ties fewest in flight, then lowest id (not fewest sent).
    const best = pickBest(workers, null, (a, b) => (matched[b.id] ?? 0) - (matched[a.id] ?? 0) || a.inFlight - b.inFlight || a.id - b.id);
    const depth = matched[best.id] ?? 0;
    const rate = blocks === 0 ? 0 : depth / blocks;
    const match = `matched ${depth}/${blocks} blocks on worker ${best.id} = ${formatRate(rate)}`;
    if (rate > cacheThreshold) {
      return { workerId: best.id, rule: 'cache-hit', reason: `${match} > ${cacheThreshold}; ${best.inFlight} in flight there, ${loads}` };
    }

    if (lowMatch === 'smallest-tree') {
      const chosen = pickBest(workers, null, (a, b) => a.viewBlocks - b.viewBlocks);
      let largest = 0;
      for (const worker of workers) if (worker.alive && worker.viewBlocks > largest) largest = worker.viewBlocks;
      return {
        workerId: chosen.id,
        rule: 'smallest-tree',
        reason: `${match} ≤ ${cacheThreshold}; smallest tree: worker ${chosen.id} (${chosen.viewBlocks} blocks; alive ${chosen.viewBlocks}..${largest})`,
      };
    }
    const chosen = leastInFlightWorker(workers);
    return {
      workerId: chosen.id,
      rule: 'least-in-flight',
      reason: `${match} ≤ ${cacheThreshold}; least in flight: worker ${chosen.id} (${chosen.inFlight}; ${loads})`,
    };
  }

  return Object.assign(sglang, { view });
}
