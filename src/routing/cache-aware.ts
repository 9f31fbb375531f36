// The default strategy: a cost that trades the router's estimate of a worker's queued work against
// the prefix it already holds, behind SGLang's load guard (DESIGN §3.5).
//
//   1. load guard: (max − min in flight among alive) > balanceAbs AND max > balanceRel × min
//        → least outstanding work                                           (rule 'load-guard')
//   2. else the lowest
//        cost(w) = outstandingMs(w) − blockCreditMs × matched(w) − prefixCreditMs × matched(w) / blocks
//      ties: the longer match, then the tie rule               (rule 'prefix-cost', or 'least-cost'
//                                                                 when the chosen worker matches nothing)
//
// Why a cost and not SGLang's threshold (match ≥ 0.3 → longest match, else least loaded): the
// threshold ignores load entirely above it and the cache entirely below it, and on the Mooncake
// traces its guard never fires, so it is a plain "longest match ≥ 0.3". The two credits say what a
// held prefix is worth in ms of queue: per block (a long shared prefix saves prefill and keeps a
// hot family on one worker) and per fraction of the request (a request mostly held somewhere
// should go there). They were tuned on the conversation and synthetic traces (8 × 924) against the
// peers (README: "Choosing a router"); the guard keeps SGLang's shape with the absolute threshold
// lowered from 64 to 16, since a 4–8 worker simulation rarely has 64 requests in flight anywhere.
// Request blocks are the prompt's full blocks (hashes.length): a partial tail can never match.

import { RoutingOptionError } from './errors.ts';
import { describeLeastLoaded, formatMs, leastLoadedWorker } from './least-loaded.ts';
import { countAlive, inFlightRange, pickBest } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy, WorkerLoad } from './types.ts';

export interface CacheAwareOptions {
  /** The guard fires only when max − min in flight exceeds this (SGLang: 64). Default 16. */
  readonly balanceAbs?: number;
  /** ... and max in flight exceeds this many times the min (SGLang: 1.5). Default 1.5. */
  readonly balanceRel?: number;
  /** Ms of outstanding work one matched block is worth. Default 14. */
  readonly blockCreditMs?: number;
  /** Ms of outstanding work a fully matched request is worth (pro rata). Default 1,000. */
  readonly prefixCreditMs?: number;
}

export const CACHE_AWARE_DEFAULTS: Required<CacheAwareOptions> = {
  balanceAbs: 16,
  balanceRel: 1.5,
  blockCreditMs: 14,
  prefixCreditMs: 1000,
};

/** A cache-aware strategy. Rule: load guard → least loaded; else the lowest outstanding ms less the credit of the held prefix. */
export function createCacheAware(options: CacheAwareOptions = {}): Strategy {
  const { balanceAbs, balanceRel, blockCreditMs, prefixCreditMs } = { ...CACHE_AWARE_DEFAULTS, ...options };
  const bad: string[] = [];
  if (!(balanceAbs >= 0)) bad.push(`balanceAbs = ${balanceAbs} (≥ 0)`);
  if (!(balanceRel >= 1) || !Number.isFinite(balanceRel)) bad.push(`balanceRel = ${balanceRel} (finite, ≥ 1)`);
  if (!(blockCreditMs >= 0) || !Number.isFinite(blockCreditMs)) bad.push(`blockCreditMs = ${blockCreditMs} (finite, ≥ 0)`);
  if (!(prefixCreditMs >= 0) || !Number.isFinite(prefixCreditMs)) bad.push(`prefixCreditMs = ${prefixCreditMs} (finite, ≥ 0)`);
  if (bad.length > 0) throw new RoutingOptionError(`invalid cache-aware options: ${bad.join(', ')}`);

  return function cacheAware(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const { workers, matched } = context;
    countAlive(workers);
    const { min, max } = inFlightRange(workers);

    if (max - min > balanceAbs && max > balanceRel * min) {
      const chosen = leastLoadedWorker(workers);
      return {
        workerId: chosen.id,
        rule: 'load-guard',
        reason: `loads ${min}..${max} in flight: ${max} − ${min} > ${balanceAbs} and ${max} > ${balanceRel} × ${min}; ${describeLeastLoaded(chosen, workers)}`,
      };
    }

    const blocks = request.hashes.length;
    const cost = (w: WorkerLoad): number => {
      const held = matched[w.id] ?? 0;
      return w.outstandingMs - blockCreditMs * held - (blocks === 0 ? 0 : (prefixCreditMs * held) / blocks);
    };
    const chosen = pickBest(workers, null, (a, b) => cost(a) - cost(b) || (matched[b.id] ?? 0) - (matched[a.id] ?? 0));
    const held = matched[chosen.id] ?? 0;
    return {
      workerId: chosen.id,
      rule: held > 0 ? 'prefix-cost' : 'least-cost',
      reason:
        `cost ${formatMs(cost(chosen))} on worker ${chosen.id} = outstanding ${formatMs(chosen.outstandingMs)}` +
        ` − ${blockCreditMs} × ${held} blocks − ${prefixCreditMs} × ${held}/${blocks}; loads ${min}..${max} in flight`,
    };
  };
}

/** The default strategy with the default settings (guard 16 / 1.5, credits 14 ms per block and 1,000 ms per request). */
export const cacheAware: Strategy = createCacheAware();
