// LMetric (PEERS.md § lmetric): "Simple is better: multiplication may be all you need"
// (arXiv 2603.15202), as sgl-project/sglang ports it in `sgl-model-gateway/src/policies/lmetric.rs`
// @acaa759a (`select_with_text`):
//
//   score = (blocks − matched) × (in flight + 1)   — the new prefill work times the queue it joins
//   → the alive worker with the lowest score; ties: fewest in flight, then least new work
//     (blocks − matched), then lowest id (the source's key `(score, load, new_prefill_work, idx)`)
//                                                                            (rule 'lowest-score')
//
// No threshold and no load guard: cache affinity and load enter one product.
// NOTE: equal scores with equal in flight imply equal new work, so the third key never decides;
// it stays because the source (and PEERS.md) lists it.
// View: the approximate tree as sglang's (lmetric.rs evicts the same `Tree` with
// `evict_tenant_by_size`: one budget per worker), with SGLang's defaults (see sglang.ts):
// NOTE: the snapshot held no `LMetricConfig` defaults, so the view's budget and interval are the
// cache_aware ones of `sgl-model-gateway/src/main.rs`, as PEERS.md's "as sglang's" says.
// The source's work unit is characters of text (a proxy until it sees tokens); here, blocks.

import { checkTree, throwIfBad, treeView } from './option-checks.ts';
import { SGLANG_DEFAULTS } from './sglang.ts';
import { countAlive, pickBest } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy, WorkerLoad } from './types.ts';

export interface LmetricOptions {
  /** Blocks the approximate tree keeps per worker (SGLang's `max_tree_size` 2^26 tokens / 16 = 4,194,304); Infinity: no budget. */
  readonly maxTreeBlocks?: number;
  /** How often the tree budget is enforced, ms (SGLang's `--eviction-interval` 120 s = 120,000). */
  readonly evictionIntervalMs?: number;
}

export const LMETRIC_DEFAULTS: Required<LmetricOptions> = {
  maxTreeBlocks: SGLANG_DEFAULTS.maxTreeBlocks,
  evictionIntervalMs: SGLANG_DEFAULTS.evictionIntervalMs,
};

/** LMetric. Rule: the lowest (blocks − matched) × (in flight + 1); ties fewest in flight, least new work, lowest id. */
export function createLmetric(options: LmetricOptions = {}): Strategy {
  const { maxTreeBlocks, evictionIntervalMs } = { ...LMETRIC_DEFAULTS, ...options };
  const bad: string[] = [];
  checkTree(maxTreeBlocks, evictionIntervalMs, bad);
  throwIfBad('lmetric', bad);
  const view = treeView(maxTreeBlocks, evictionIntervalMs, false);

  function lmetric(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const { workers, matched } = context;
    countAlive(workers);
    const blocks = request.hashes.length;
    const newWork = (worker: WorkerLoad): number => Math.max(0, blocks - (matched[worker.id] ?? 0));
    const score = (worker: WorkerLoad): number => newWork(worker) * (worker.inFlight + 1);
    const chosen = pickBest(workers, null, (a, b) => score(a) - score(b) || a.inFlight - b.inFlight || newWork(a) - newWork(b) || a.id - b.id);
    let highest = 0;
    for (const worker of workers) if (worker.alive && score(worker) > highest) highest = score(worker);
    return {
      workerId: chosen.id,
      rule: 'lowest-score',
      reason: `score (${blocks} − ${matched[chosen.id] ?? 0}) × (${chosen.inFlight} + 1) = ${score(chosen)} on worker ${chosen.id}; alive ${score(chosen)}..${highest}`,
    };
  }

  return Object.assign(lmetric, { view });
}
