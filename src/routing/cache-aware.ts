// The default strategy: SGLang's shape (a load guard, then the prefix when it covers enough of the
// request), with the prefix held to a TTFT budget and the rest routed by a cost that still credits
// partial matches (DESIGN §3.5, README "Choosing a router").
//
//   1. load guard: (max − min in flight among alive) > balanceAbs AND max > balanceRel × min
//        → least outstanding work                                               (rule 'load-guard')
//   2. prefix affinity: best matched / request blocks ≥ matchThreshold, and the deepest match's
//      estimated TTFT ≤ the lowest estimated TTFT + affinitySlackMs
//        → the deepest match; random among equals                           (rule 'longest-prefix')
//      estimated TTFT(w) = queued prefill ms on w + the prefill of this request's unmatched full blocks
//   3. else the lowest
//        cost(w) = outstanding ms(w) − blockCreditMs × matched(w) − prefixCreditMs × matched(w) / blocks
//      random among equals                       (rule 'prefix-cost', or 'least-cost' when it matches nothing)
//
// Why not SGLang's rule as it is (match > 0.3 → deepest match, else least loaded): above the
// threshold it ignores load (a hot prefix queues up: RAG TTFT p99 230 ms against 194 here), below
// it the cache (a partial match is thrown away: conversation trace 16.0 % against 16.1 %). Why
// random ties, where DESIGN §3.5's rule (fewest in flight, fewest sent, lowest id) would be
// deterministic: cold requests tie often on an idle cluster, and spreading them in that fixed
// order loses about 1 pt of hits on the synthetic trace (34.5 % against 35.1–36.0 % over seeds
// 1–5); the draws come from the run's seed, so results stay byte-identical. The guard keeps
// SGLang's shape with its absolute threshold lowered from 64 to 16: a 4–8 worker simulation
// rarely has 64 requests in flight anywhere. Request blocks are the prompt's full blocks.

import { describeLeastLoaded, formatMs, leastLoadedWorker } from './least-loaded.ts';
import { checkFraction, checkGuard, throwIfBad } from './option-checks.ts';
import { countAlive, drawTie, loadRange } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy, WorkerLoad } from './types.ts';

export interface CacheAwareOptions {
  /** The guard fires only when max − min in flight exceeds this (SGLang: 64). Default 16. */
  readonly balanceAbs?: number;
  /** ... and max in flight exceeds this many times the min (SGLang: 1.5). Default 1.5. */
  readonly balanceRel?: number;
  /** Smallest matched fraction of the request's blocks that routes by prefix (SGLang: 0.3). */
  readonly matchThreshold?: number;
  /** How much longer than the fastest worker's the deepest match's estimated TTFT may be, ms. Default 100. */
  readonly affinitySlackMs?: number;
  /** Ms of outstanding work one matched block is worth below the threshold. Default 14. */
  readonly blockCreditMs?: number;
  /** Ms of outstanding work a fully matched request is worth (pro rata) below the threshold. Default 1,000. */
  readonly prefixCreditMs?: number;
}

export const CACHE_AWARE_DEFAULTS: Required<CacheAwareOptions> = {
  balanceAbs: 16,
  balanceRel: 1.5,
  matchThreshold: 0.3,
  affinitySlackMs: 100,
  blockCreditMs: 14,
  prefixCreditMs: 1000,
};

/** A cache-aware strategy. Rule: load guard → least loaded; else a match ≥ 0.3 within the TTFT slack → deepest match; else the lowest credited cost. */
export function createCacheAware(options: CacheAwareOptions = {}): Strategy {
  const settings = { ...CACHE_AWARE_DEFAULTS, ...options };
  const { balanceAbs, balanceRel, matchThreshold, affinitySlackMs, blockCreditMs, prefixCreditMs } = settings;
  const bad: string[] = [];
  checkGuard(balanceAbs, balanceRel, bad);
  checkFraction('matchThreshold', matchThreshold, bad);
  for (const name of ['affinitySlackMs', 'blockCreditMs', 'prefixCreditMs'] as const) {
    const value = settings[name];
    if (!(value >= 0) || !Number.isFinite(value)) bad.push(`${name} = ${value} (finite, ≥ 0)`);
  }
  throwIfBad('cache-aware', bad);

  return function cacheAware(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const { workers, matched } = context;
    countAlive(workers);
    const { min, max } = loadRange(workers);
    const loads = `loads ${min}..${max} in flight`;

    if (max - min > balanceAbs && max > balanceRel * min) {
      const chosen = leastLoadedWorker(workers);
      return {
        workerId: chosen.id,
        rule: 'load-guard',
        reason: `${loads}: ${max} − ${min} > ${balanceAbs} and ${max} > ${balanceRel} × ${min}; ${describeLeastLoaded(chosen, workers)}`,
      };
    }

    const blocks = request.hashes.length;
    const held = (w: WorkerLoad): number => matched[w.id] ?? 0;
    // The partial last block is computed everywhere alike, so full blocks compare workers exactly.
    const ttft = (w: WorkerLoad): number => w.queuedPrefillMs + context.prefillMs(blocks - held(w));
    let deepest = 0;
    let fastest = Infinity;
    for (const w of workers) {
      if (!w.alive) continue;
      deepest = Math.max(deepest, held(w));
      fastest = Math.min(fastest, ttft(w));
    }

    const fraction = blocks === 0 ? 0 : deepest / blocks;
    if (deepest > 0 && fraction >= matchThreshold) {
      const within = workers.filter((w) => w.alive && held(w) === deepest && ttft(w) <= fastest + affinitySlackMs);
      if (within.length > 0) {
        const chosen = drawTie(within, context.random).item;
        return {
          workerId: chosen.id,
          rule: 'longest-prefix',
          reason: `matched ${deepest}/${blocks} blocks on worker ${chosen.id} ≥ ${matchThreshold}; est. TTFT ${formatMs(ttft(chosen))} ≤ fastest ${formatMs(fastest)} + ${affinitySlackMs} ms; ${loads}`,
        };
      }
    }

    const cost = (w: WorkerLoad): number => w.outstandingMs - blockCreditMs * held(w) - (blocks === 0 ? 0 : (prefixCreditMs * held(w)) / blocks);
    let lowest = Infinity;
    for (const w of workers) if (w.alive) lowest = Math.min(lowest, cost(w));
    const chosen = drawTie(workers.filter((w) => w.alive && cost(w) === lowest), context.random).item;
    const why = deepest === 0 ? 'no match' : fraction < matchThreshold ? `best match ${deepest}/${blocks} < ${matchThreshold}` : `the deepest match is over ${affinitySlackMs} ms slower`;
    return {
      workerId: chosen.id,
      rule: held(chosen) > 0 ? 'prefix-cost' : 'least-cost',
      reason: `${why}; cost ${formatMs(lowest)} on worker ${chosen.id} = outstanding ${formatMs(chosen.outstandingMs)} − ${blockCreditMs} × ${held(chosen)} − ${prefixCreditMs} × ${held(chosen)}/${blocks}; ${loads}`,
    };
  };
}

/** The default strategy with the default settings. */
export const cacheAware: Strategy = createCacheAware();
