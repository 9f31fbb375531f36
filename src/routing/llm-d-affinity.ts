// llm-d as its shipped guides configure it (PEERS.md 'llm-d-affinity'): stay on the workers that
// hold the prompt, then take the one with the least uncached prompt work in flight.
//
//   1. prefix(w) = matched_w / blocks; keep the workers with prefix(w) ≥ affinityThreshold (0.80)
//      → pick among those                                                       (rule 'affinity')
//      none → pick among all                                                    (rule 'token-load')
//   2. load(w)  = uncachedTokens_w + max(0, promptTokens − matched_w × blockSize)
//      score(w) = 1 − min(1, load(w) / queueThresholdTokens)  (1 at load 0); the highest wins,
//      ties uniformly at random.
//
// Source: llm-d/llm-d guides/optimized-baseline/router/optimized-baseline.values.yaml @0a3b0c93
// (prefix-cache-affinity-filter with affinityThreshold 0.80 and maxTTFTPenaltyMs 0, then
// token-load-scorer); llm-d/llm-d-router @ebab6879:
// pkg/epp/framework/plugins/scheduling/filter/prefixcacheaffinity/plugin.go (score ≥ threshold;
// no sticky worker → all), .../scorer/tokenload/token_load.go (queueThresholdTokens 4194304 =
// 128 requests × 32K), .../requestcontrol/dataproducer/inflightload/producer.go
// (uncachedInputTokens = prompt − matched × block size, floored at 0), .../picker/maxscore/picker.go
// (ties uniformly random).
// As simulated:
// - in-flight uncached tokens are the router's `uncachedTokens`: the prompt tokens it predicted
//   uncached when it sent each request, released at that request's prefill end. llm-d releases
//   them at the first streamed chunk (StartOfStream), one decode step later.
// - the filter's TTFT load gate (maxTTFTPenaltyMs, default 18000) is off, as the guide sets it to
//   0. The stored guide also sets `maxTokensInFlightPenalty: 286720`, a field the filter at
//   ebab6879 does not have (its strict decoder would refuse it): that guide targets another router
//   release; this follows the filter at ebab6879 and PEERS.md, which have no such gate.
// NOTE: the guide feeds both steps from the approx-prefix-cache-producer (the router's own record);
// PEERS.md pins the KV-event view for llm-d, which this follows.

import { RoutingOptionError } from './errors.ts';
import { maxWithRandomTies, prefixScore } from './llm-d.ts';
import { countAlive } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy, ViewSpec, WorkerLoad } from './types.ts';

export interface LlmDAffinityOptions {
  /** Smallest prefix score that makes a worker sticky (llm-d prefix-cache-affinity-filter: affinityThreshold 0.80). */
  readonly affinityThreshold?: number;
  /** In-flight tokens at which the load score reaches 0 (llm-d token-load-scorer: queueThresholdTokens 4194304). */
  readonly queueThresholdTokens?: number;
  /** Tokens per block, to turn matched blocks into cached tokens (vLLM's and the simulator's 16); must match the profile's. */
  readonly blockSize?: number;
}

/** A score near 1 for a reason string: six decimals, no trailing zeros. */
const formatScore = (x: number): string => String(Math.round(x * 1e6) / 1e6);

export const LLM_D_AFFINITY_DEFAULTS: Required<LlmDAffinityOptions> = {
  affinityThreshold: 0.8,
  queueThresholdTokens: 4_194_304,
  blockSize: 16,
};

/** llm-d's guide profile. Rule: among workers with prefix ≥ 0.80 (all if none), the least uncached tokens in flight; ties random. */
export function createLlmDAffinity(options: LlmDAffinityOptions = {}): Strategy {
  const { affinityThreshold, queueThresholdTokens, blockSize } = { ...LLM_D_AFFINITY_DEFAULTS, ...options };
  const bad: string[] = [];
  if (!(affinityThreshold >= 0 && affinityThreshold <= 1)) bad.push(`affinityThreshold = ${affinityThreshold} (0..1)`);
  if (!(queueThresholdTokens > 0 && Number.isFinite(queueThresholdTokens))) {
    bad.push(`queueThresholdTokens = ${queueThresholdTokens} (finite, > 0)`);
  }
  if (!(Number.isInteger(blockSize) && blockSize >= 1)) bad.push(`blockSize = ${blockSize} (integer ≥ 1)`);
  if (bad.length > 0) throw new RoutingOptionError(`invalid llm-d-affinity options: ${bad.join(', ')}`);

  function llmDAffinity(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const workers = context.workers;
    const alive = countAlive(workers);
    const blocks = request.hashes.length;
    const matchedOn = (worker: WorkerLoad) => context.matched[worker.id] ?? 0;

    let candidates = workers.filter((worker) => worker.alive && prefixScore(request, matchedOn(worker)) >= affinityThreshold);
    const sticky = candidates.length > 0;
    if (!sticky) candidates = workers.filter((worker) => worker.alive);

    const load = (worker: WorkerLoad) => worker.uncachedTokens + Math.max(0, request.promptTokens - matchedOn(worker) * blockSize);
    const score = (tokens: number) => (tokens <= 0 ? 1 : 1 - Math.min(1, tokens / queueThresholdTokens));
    const scores = candidates.map((worker) => score(load(worker)));
    const { row, tied, pick } = maxWithRandomTies(scores, context.random);
    const chosen = candidates[row]!;
    const own = load(chosen) - chosen.uncachedTokens;

    const filter = sticky
      ? `prefix ≥ ${affinityThreshold} on ${candidates.length} of ${alive} alive workers`
      : `no alive worker has prefix ≥ ${affinityThreshold} (best ${Math.max(...candidates.map(matchedOn))}/${blocks} blocks)`;
    const tie = tied === 1 ? '' : `; ${tied} tied, drew #${pick + 1}`;
    return {
      workerId: chosen.id,
      rule: sticky ? 'affinity' : 'token-load',
      reason:
        `${filter}; worker ${chosen.id} (matched ${matchedOn(chosen)}/${blocks}): score ${formatScore(scores[row]!)}` +
        ` = 1 − min(1, (${chosen.uncachedTokens} + ${own}) / ${queueThresholdTokens})${tie}`,
    };
  }

  const view: ViewSpec = { kind: 'events' };
  return Object.assign(llmDAffinity, { view });
}
