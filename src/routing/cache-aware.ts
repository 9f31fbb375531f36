// The default strategy: SGLang's cache_aware router (DESIGN §4), adapted to small clusters.
//
//   1. load guard: (max − min in flight among alive) > balanceAbs AND max > balanceRel × min
//        → least outstanding work                                           (rule 'load-guard')
//   2. else if best matched blocks / request blocks ≥ matchThreshold
//        → the longest match, ties by the tie rule                          (rule 'longest-prefix')
//   3. else → least outstanding work                                       (rule 'low-match')
//
// SGLang's absolute threshold is 64 running requests, sized for large GPU fleets; a 4–8 worker
// simulation rarely reaches 64 in flight anywhere, so the guard would never fire and a shared
// first block would pile everything onto one worker. 16 keeps SGLang's shape and does fire here.
// Request blocks are the prompt's full blocks (hashes.length): a partial tail can never match.

import { checkFraction, checkGuard, throwIfBad } from './option-checks.ts';
import { describeLeastLoaded, leastLoadedWorker } from './least-loaded.ts';
import { longestMatchWorker } from './longest-prefix.ts';
import { countAlive, inFlightRange } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy } from './types.ts';

export interface CacheAwareOptions {
  /** The guard fires only when max − min in flight exceeds this (SGLang: 64). Default 16. */
  readonly balanceAbs?: number;
  /** ... and max in flight exceeds this many times the min (SGLang: 1.5). Default 1.5. */
  readonly balanceRel?: number;
  /** Smallest matched fraction of the request's blocks that routes by prefix (SGLang: 0.3). */
  readonly matchThreshold?: number;
}

export const CACHE_AWARE_DEFAULTS: Required<CacheAwareOptions> = {
  balanceAbs: 16,
  balanceRel: 1.5,
  matchThreshold: 0.3,
};

/** A cache-aware strategy. Rule: load guard → least loaded; else match ≥ threshold → longest prefix; else least loaded. */
export function createCacheAware(options: CacheAwareOptions = {}): Strategy {
  const { balanceAbs, balanceRel, matchThreshold } = { ...CACHE_AWARE_DEFAULTS, ...options };
  const bad: string[] = [];
  checkGuard(balanceAbs, balanceRel, bad);
  checkFraction('matchThreshold', matchThreshold, bad);
  throwIfBad('cache-aware', bad);

  return function cacheAware(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const workers = context.workers;
    countAlive(workers);
    const { min, max } = inFlightRange(workers);
    const loads = `${min}..${max} in flight`;

    if (max - min > balanceAbs && max > balanceRel * min) {
      const chosen = leastLoadedWorker(workers);
      return {
        workerId: chosen.id,
        rule: 'load-guard',
        reason: `loads ${loads}: ${max} − ${min} > ${balanceAbs} and ${max} > ${balanceRel} × ${min}; ${describeLeastLoaded(chosen, workers)}`,
      };
    }

    const blocks = request.hashes.length;
    const best = longestMatchWorker(workers, context.matched);
    const matched = context.matched[best.id] ?? 0;
    const fraction = blocks === 0 ? 0 : matched / blocks;
    if (fraction >= matchThreshold) {
      return {
        workerId: best.id,
        rule: 'longest-prefix',
        reason: `matched ${matched}/${blocks} blocks on worker ${best.id} ≥ ${matchThreshold}; loads ${loads}`,
      };
    }

    const chosen = leastLoadedWorker(workers);
    return {
      workerId: chosen.id,
      rule: 'low-match',
      reason: `best match ${matched}/${blocks} blocks on worker ${best.id} < ${matchThreshold}; ${describeLeastLoaded(chosen, workers)}`,
    };
  };
}

/** The default strategy with the default thresholds (16 / 1.5 / 0.3). */
export const cacheAware: Strategy = createCacheAware();
