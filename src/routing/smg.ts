// SMG, the gateway split out of SGLang (PEERS.md § smg): its `cache_aware` policy on the
// approximate tree, as smg-project/smg @f8daa883 reads at `model_gateway/src/policies/cache_aware.rs`
// (`select_worker_with_tokens`, `select_matched_candidate`, `argmax_with_random_ties`,
// `gate_selected_candidate`), the tree-wide budget in `crates/kv_index/src/token_tree.rs`
// (`evict_tenant_by_size`) and the defaults in `model_gateway/src/main.rs`:
//
//   1. rate = matched / blocks of the deepest match. If rate > cacheThreshold (strict)
//        → among the alive workers holding that depth, the least in flight; ties uniformly
//          random (a draw only when two or more tie)                         (rule 'cache-hit')
//      else → the least-in-flight worker; ties fewest sent, then lowest id   (rule 'least-in-flight')
//   2. spill gate on the cache-hit worker: in flight > balanceRel × mean AND > mean + balanceAbs
//      (mean over alive workers) → the least-in-flight worker instead       (rule 'spill')
//
// View: the router's own approximate tree with ONE budget for all workers together (SMG's
// `max_tree_size` bounds the tree-wide total), checked every eviction interval. The router records
// every decision, the spill target included: a hot prefix gains a second holder (replicates).
//
// Notes against the source:
// - SMG's source applies the gate only on the cache-hit path; the least-in-flight worker can never
//   exceed 1.5 × mean, so gating it too (as PEERS.md's step 2 may read) would change nothing.
// - SMG's token tree counts tokens (gRPC, page-aligned to `--block-size` 16): the budget here is
//   `--max-tree-size` 67,108,864 tokens / 16 = 4,194,304 blocks for the whole tree.
// - `--eviction-interval` is 120 s in main.rs and the PyO3 binding; SMG's Python `router_args.py`
//   says 60 s. This follows the gateway binary.
// - NOTE: SMG's KV-usage triggers (`balance_token_usage_threshold`, `overload_token_usage_threshold`,
//   both 1.0 = off), overlap decay (0 = off) and selection temperature (0 = off) are not modelled:
//   at their defaults they do nothing.

import { checkFraction, checkGuard, checkTree, throwIfBad, treeView } from './option-checks.ts';
import { formatRate, leastInFlightWorker } from './sglang.ts';
import { countAlive, drawTie } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy, WorkerLoad } from './types.ts';

export interface SmgOptions {
  /** Matched fraction of the request's blocks that must be exceeded to route by prefix (`--cache-threshold` 0.3). */
  readonly cacheThreshold?: number;
  /** Spill when the chosen worker's in flight exceeds the alive mean by more than this (`--balance-abs-threshold` 64). */
  readonly balanceAbs?: number;
  /** ... and exceeds this many times the mean (`--balance-rel-threshold` 1.5). */
  readonly balanceRel?: number;
  /** Blocks the approximate tree keeps for all workers together (`--max-tree-size` 2^26 tokens / 16 = 4,194,304); Infinity: no budget. */
  readonly maxTreeBlocks?: number;
  /** How often the tree budget is enforced, ms (`--eviction-interval` 120 s = 120,000). */
  readonly evictionIntervalMs?: number;
}

export const SMG_DEFAULTS: Required<SmgOptions> = {
  cacheThreshold: 0.3,
  balanceAbs: 64,
  balanceRel: 1.5,
  maxTreeBlocks: 2 ** 26 / 16,
  evictionIntervalMs: 120_000,
};

/** SMG's cache_aware. Rule: match > 0.3 → least in flight of the deepest holders (random ties), spilled when hot; else least in flight. */
export function createSmg(options: SmgOptions = {}): Strategy {
  const { cacheThreshold, balanceAbs, balanceRel, maxTreeBlocks, evictionIntervalMs } = { ...SMG_DEFAULTS, ...options };
  const bad: string[] = [];
  checkFraction('cacheThreshold', cacheThreshold, bad);
  checkGuard(balanceAbs, balanceRel, bad);
  checkTree(maxTreeBlocks, evictionIntervalMs, bad);
  throwIfBad('smg', bad);
  const view = treeView(maxTreeBlocks, evictionIntervalMs, true);

  function smg(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const { workers, matched } = context;
    const alive = countAlive(workers);
    let total = 0;
    let depth = 0;
    for (const worker of workers) {
      if (!worker.alive) continue;
      total += worker.inFlight;
      depth = Math.max(depth, matched[worker.id] ?? 0);
    }
    const mean = total / alive;
    const blocks = request.hashes.length;
    const rate = blocks === 0 ? 0 : depth / blocks;
    const match = `matched ${depth}/${blocks} blocks = ${formatRate(rate)}`;

    if (!(rate > cacheThreshold)) {
      const chosen = leastInFlightWorker(workers);
      return {
        workerId: chosen.id,
        rule: 'least-in-flight',
        reason: `${match} ≤ ${cacheThreshold}; least in flight: worker ${chosen.id} (${chosen.inFlight}; mean ${formatRate(mean)})`,
      };
    }

    // The holders of the deepest match with the fewest in flight, in id order.
    let ties: WorkerLoad[] = [];
    for (const worker of workers) {
      if (!worker.alive || (matched[worker.id] ?? 0) !== depth) continue;
      if (ties.length === 0 || worker.inFlight < ties[0]!.inFlight) ties = [worker];
      else if (worker.inFlight === ties[0]!.inFlight) ties.push(worker);
    }
    const holder = drawTie(ties, context.random).item;
    const drawn = ties.length === 1 ? '' : `drawn from tied ${ties.map((w) => w.id).join(', ')}`;

    if (holder.inFlight > balanceRel * mean && holder.inFlight > mean + balanceAbs) {
      const chosen = leastInFlightWorker(workers);
      return {
        workerId: chosen.id,
        rule: 'spill',
        reason: `${match} > ${cacheThreshold} on worker ${holder.id}${drawn && ` (${drawn})`}, but its ${holder.inFlight} in flight > ${balanceRel} × mean ${formatRate(mean)} and > mean + ${balanceAbs}; least in flight: worker ${chosen.id} (${chosen.inFlight})`,
      };
    }
    return {
      workerId: holder.id,
      rule: 'cache-hit',
      reason: `${match} > ${cacheThreshold}; least in flight of its holders: worker ${holder.id} (${holder.inFlight}; mean ${formatRate(mean)}${drawn && `; ${drawn}`})`,
    };
  }

  return Object.assign(smg, { view });
}
