// NVIDIA Dynamo's KV router, its default worker selector (PEERS.md 'dynamo'): the lowest cost wins.
//
//   prefill(w) = max(0, (prefillTokens_w + ISL) / blockSize − overlapCredit × matched_w)
//   decode(w)  = activeBlocks_w + newBlocks(w)
//   cost(w)    = prefillLoadScale × prefill(w) + decode(w) + decodeActiveRequestWeight × inFlight_w
//
//   1. temperature 0 → the lowest cost; exact ties uniformly at random          (rule 'min-cost')
//   2. temperature T > 0 → one draw from p(w) ∝ exp(−(cost(w) − c_min) / ((c_max − c_min) × T)),
//      uniform when every cost is equal                                         (rule 'sampled')
//
// Source: ai-dynamo/dynamo, lib/kv-router/src/scheduling/selector/default.rs @07a6c9ce
// (worker_logit, pick_default_worker, softmax_sample_index), selector/mod.rs (raw_prefill_blocks),
// config.rs (KvRouterConfig::default: overlap_score_credit 1.0, prefill_load_scale 1.0,
// decode_active_request_weight 0.0, router_temperature 0.0, use_kv_events true, router_ttl_secs 120).
// PEERS.md pins no commit for Dynamo; these are the stored versions read. Where PEERS.md is silent:
// - Nothing is rounded to whole blocks: raw_prefill_blocks = tokens / block_size as f64, and the
//   only floor is max(0, ·) after the overlap credit. Prefill is counted in tokens ÷ block size
//   (ISL included, the partial tail too), decode in blocks: costs are fractional.
// - Softmax: c_max = c_min → uniform; the draw picks the first worker (in id order) whose
//   cumulative probability is ≥ the draw, the last one if rounding leaves the sum short of it.
// - Ties at temperature 0: Dynamo scans reservoir-style with one draw per tied worker; one draw,
//   index ⌊u × ties⌋ among the tied in id order, is the same uniform choice from one number.
// NOTE: not modelled, as they are off or empty here: overlap_score_credit_decay (default 0), the
// host/disk tier credits (0.75 / 0.25; a simulated worker has one tier), the shared-cache credit
// (0), taints and pinned workers, and the router's own queue (router_queue_threshold unset).

import { RoutingOptionError } from './errors.ts';
import { countAlive, drawTie } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy, ViewSpec, WorkerLoad } from './types.ts';

export interface DynamoOptions {
  /** Blocks of prefill credited per matched block (Dynamo: overlap_score_credit 1.0). */
  readonly overlapCredit?: number;
  /** Weight of the prefill term after the credit (Dynamo: prefill_load_scale 1.0). */
  readonly prefillLoadScale?: number;
  /** Block-equivalent cost per request in flight (Dynamo: decode_active_request_weight 0). */
  readonly decodeActiveRequestWeight?: number;
  /** 0: argmin; > 0: softmax sampling at this temperature (Dynamo: router_temperature 0). */
  readonly temperature?: number;
  /** Tokens per block, to turn prefill tokens into blocks (vLLM's and the simulator's 16); must match the profile's. */
  readonly blockSize?: number;
  /** Read the workers' KV events; false: the approximate view of what the router sent (Dynamo: use_kv_events true). */
  readonly useKvEvents?: boolean;
  /** Without KV events: blocks sent to a worker are forgotten after this idle time, ms (Dynamo: router_ttl_secs 120). */
  readonly ttlMs?: number;
}

export const DYNAMO_DEFAULTS: Required<DynamoOptions> = {
  overlapCredit: 1,
  prefillLoadScale: 1,
  decodeActiveRequestWeight: 0,
  temperature: 0,
  blockSize: 16,
  useKvEvents: true,
  ttlMs: 120_000,
};

/** A number for a reason string: at most three decimals, no trailing zeros. */
const num = (x: number): string => String(Math.round(x * 1000) / 1000);

/** Dynamo's KV router. Rule: the lowest prefill + decode cost (ties random); at temperature > 0, a softmax draw. */
export function createDynamo(options: DynamoOptions = {}): Strategy {
  const settings = { ...DYNAMO_DEFAULTS, ...options };
  const { overlapCredit, prefillLoadScale, decodeActiveRequestWeight, temperature, blockSize, useKvEvents, ttlMs } = settings;
  const bad: string[] = [];
  const finiteAtLeast0 = ['overlapCredit', 'prefillLoadScale', 'decodeActiveRequestWeight', 'temperature'] as const;
  for (const name of finiteAtLeast0) {
    const value = settings[name];
    if (!(value >= 0 && Number.isFinite(value))) bad.push(`${name} = ${value} (finite, ≥ 0)`);
  }
  if (!(Number.isInteger(blockSize) && blockSize >= 1)) bad.push(`blockSize = ${blockSize} (integer ≥ 1)`);
  if (typeof useKvEvents !== 'boolean') bad.push(`useKvEvents = ${String(useKvEvents)} (true or false)`);
  if (!(ttlMs > 0)) bad.push(`ttlMs = ${ttlMs} (> 0; Infinity: never)`);
  if (bad.length > 0) throw new RoutingOptionError(`invalid dynamo options: ${bad.join(', ')}`);

  // Scratch reused across calls (a strategy is called once per request, never re-entrantly).
  const candidates: WorkerLoad[] = [];
  const costs: number[] = [];
  const newBlocks: number[] = [];

  function dynamo(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const workers = context.workers;
    countAlive(workers);
    const isl = request.promptTokens;
    const terms = (worker: WorkerLoad, fresh: number) => {
      const matched = context.matched[worker.id] ?? 0;
      const prefill = Math.max(0, (worker.prefillTokens + isl) / blockSize - overlapCredit * matched);
      const cost = prefillLoadScale * prefill + (worker.activeBlocks + fresh) + decodeActiveRequestWeight * worker.inFlight;
      const formula =
        `${prefillLoadScale} × max(0, (${worker.prefillTokens} + ${isl})/${blockSize} − ${overlapCredit} × ${matched})` +
        ` + (${worker.activeBlocks} + ${fresh}) + ${decodeActiveRequestWeight} × ${worker.inFlight}`;
      return { cost, formula };
    };

    candidates.length = 0;
    costs.length = 0;
    newBlocks.length = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const worker of workers) {
      if (!worker.alive) continue;
      const fresh = context.newBlocks(worker.id);
      const { cost } = terms(worker, fresh);
      candidates.push(worker);
      costs.push(cost);
      newBlocks.push(fresh);
      if (cost < min) min = cost;
      if (cost > max) max = cost;
    }
    const range = `alive costs ${num(min)}..${num(max)}`;
    const describe = (row: number) => {
      const { cost, formula } = terms(candidates[row]!, newBlocks[row]!);
      return `cost ${num(cost)} on worker ${candidates[row]!.id} = ${formula}`;
    };

    if (temperature === 0) {
      const tied: number[] = [];
      for (let row = 0; row < costs.length; row++) if (costs[row] === min) tied.push(row);
      const { item: row, pick } = drawTie(tied, context.random);
      const tie = tied.length === 1 ? '' : `; ${tied.length} tied, drew #${pick + 1}`;
      return { workerId: candidates[row]!.id, rule: 'min-cost', reason: `${describe(row)}; ${range}${tie}` };
    }

    // p ∝ exp(−(c − c_min) / ((c_max − c_min) × T)); uniform when every cost is equal.
    const weights = costs.map((cost) => (max === min ? 1 : Math.exp(-(cost - min) / ((max - min) * temperature))));
    const total = weights.reduce((sum, w) => sum + w, 0);
    const draw = context.random();
    let row = weights.length - 1;
    let cumulative = 0;
    for (let i = 0; i < weights.length; i++) {
      cumulative += weights[i]! / total;
      if (draw <= cumulative) {
        row = i;
        break;
      }
    }
    return {
      workerId: candidates[row]!.id,
      rule: 'sampled',
      reason: `drew ${num(draw)} at T ${temperature}: p ${num(weights[row]! / total)}, ${describe(row)}; ${range}`,
    };
  }

  const view: ViewSpec = useKvEvents ? { kind: 'events' } : { kind: 'approx', ttlMs };
  return Object.assign(dynamo, { view });
}
