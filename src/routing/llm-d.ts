// The llm-d inference scheduler's default profile, with no config file (PEERS.md 'llm-d'): a
// weighted sum of three scorers, each in [0, 1]; the highest total wins, ties uniformly at random.
//
//   queue(w)  = (q_max − q_w) / (q_max − q_min), 1 when every q is equal     q = waiting requests
//   kv(w)     = 1 − usedBlocks_w / capacity_w
//   prefix(w) = matched_w / blocks (0 for a request without a full block)
//   score(w)  = queueWeight × queue(w) + kvCacheWeight × kv(w) + prefixWeight × prefix(w)
//                                                                               (rule 'max-score')
//
// Source: llm-d/llm-d-router @ebab6879: pkg/epp/config/loader/defaults.go (weights 2 / 2 / 3),
// pkg/epp/framework/plugins/scheduling/scorer/queuedepth/queue.go,
// .../scorer/kvcacheutilization/kvcache_utilization.go, .../scorer/prefix/plugin.go (matchLengthWeight
// 0: the ratio alone; totalBlocks 0 → 0), pkg/epp/scheduling/scheduler_profile.go (each score
// clamped to [0, 1], then Σ weight × score), .../picker/maxscore/picker.go (shuffle, then a stable
// sort by score: ties uniformly random).
// The inputs, as the simulated router has them:
// - q is the router's count of requests sent to the worker whose prefill has not finished; llm-d
//   scrapes vLLM's num_requests_waiting, which leaves out the one being prefilled.
// - used blocks are the router's estimate `activeBlocks` (distinct prompt blocks of its requests in
//   flight); llm-d scrapes vLLM's kv-cache usage metric instead. With capacity Infinity (an
//   unbounded cache) the utilisation is 0 and kv is 1 everywhere.
// NOTE: at ebab6879 the no-config profile's prefix scorer reads the approx-prefix-cache-producer
// (the router's own record; datalayer/attribute/prefix/data_types.go names it the default
// producer); PEERS.md pins the KV-event ("precise") view, which this follows.

import { RoutingOptionError } from './errors.ts';
import { countAlive, drawTie, loadRange } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy, ViewSpec, WorkerLoad } from './types.ts';

export interface LlmDOptions {
  /** Weight of the queue scorer (llm-d defaults.go: queueScorerWeight 2). */
  readonly queueWeight?: number;
  /** Weight of the KV-cache-utilisation scorer (llm-d defaults.go: kvCacheUtilizationScorerWeight 2). */
  readonly kvCacheWeight?: number;
  /** Weight of the prefix-cache scorer (llm-d defaults.go: prefixCacheScorerWeight 3). */
  readonly prefixWeight?: number;
}

export const LLM_D_DEFAULTS: Required<LlmDOptions> = {
  queueWeight: 2,
  kvCacheWeight: 2,
  prefixWeight: 3,
};

/** A number for a reason string: at most three decimals, no trailing zeros. */
export const formatScore = (x: number): string => String(Math.round(x * 1000) / 1000);

/** The prefix scorer: matched leading blocks over the request's full blocks, 0 without any. */
export function prefixScore(request: RouteRequest, matched: number): number {
  const blocks = request.hashes.length;
  return blocks === 0 ? 0 : matched / blocks;
}

/**
 * The index of the highest of `scores` (not empty); among equal scores one uniform draw picks,
 * index ⌊u × ties⌋ in order (llm-d's max-score picker shuffles, then sorts stably). Draws only
 * when there is a tie; `tied` is their count and `pick` the one drawn.
 */
export function maxWithRandomTies(scores: readonly number[], random: () => number): { row: number; tied: number; pick: number } {
  let best = -Infinity;
  for (const score of scores) if (score > best) best = score;
  const tied: number[] = [];
  for (let row = 0; row < scores.length; row++) if (scores[row] === best) tied.push(row);
  const { item: row, pick } = drawTie(tied, random);
  return { row, tied: tied.length, pick };
}

/** llm-d's default profile. Rule: the highest 2 × queue + 2 × kv-cache + 3 × prefix score; ties random. */
export function createLlmD(options: LlmDOptions = {}): Strategy {
  const settings = { ...LLM_D_DEFAULTS, ...options };
  const { queueWeight, kvCacheWeight, prefixWeight } = settings;
  const bad: string[] = [];
  for (const name of ['queueWeight', 'kvCacheWeight', 'prefixWeight'] as const) {
    const value = settings[name];
    if (!(value >= 0 && Number.isFinite(value))) bad.push(`${name} = ${value} (finite, ≥ 0)`);
  }
  if (bad.length > 0) throw new RoutingOptionError(`invalid llm-d options: ${bad.join(', ')}`);

  // llm-d clamps every scorer's output to [0, 1] before weighting it (enforceScoreRange).
  const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

  function llmD(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const workers = context.workers;
    countAlive(workers);
    const { min: qMin, max: qMax } = loadRange(workers, 'waiting');
    const parts = (worker: WorkerLoad) => {
      const queue = qMax === qMin ? 1 : (qMax - worker.waiting) / (qMax - qMin);
      const kv = clamp01(1 - worker.activeBlocks / worker.capacity); // capacity Infinity: utilisation 0
      const prefix = clamp01(prefixScore(request, context.matched[worker.id] ?? 0));
      return { queue, kv, prefix, total: queueWeight * queue + kvCacheWeight * kv + prefixWeight * prefix };
    };

    const candidates = workers.filter((worker) => worker.alive);
    const scores = candidates.map((worker) => parts(worker).total);
    const { row, tied, pick } = maxWithRandomTies(scores, context.random);
    const chosen = candidates[row]!;
    const { queue, kv, prefix, total } = parts(chosen);
    const f = formatScore;
    const tie = tied === 1 ? '' : `; ${tied} tied, drew #${pick + 1}`;
    return {
      workerId: chosen.id,
      rule: 'max-score',
      reason:
        `score ${f(total)} on worker ${chosen.id} = ${queueWeight} × queue ${f(queue)} + ${kvCacheWeight} × kv ${f(kv)}` +
        ` + ${prefixWeight} × prefix ${f(prefix)} (waiting ${chosen.waiting} in ${qMin}..${qMax},` +
        ` ${chosen.activeBlocks}/${chosen.capacity} blocks used, matched ${context.matched[chosen.id] ?? 0}/${request.hashes.length});` +
        ` alive scores ${f(Math.min(...scores))}..${f(total)}${tie}`,
    };
  }

  const view: ViewSpec = { kind: 'events' };
  return Object.assign(llmD, { view });
}
