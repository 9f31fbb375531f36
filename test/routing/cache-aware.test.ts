import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { cacheAware, createCacheAware, CACHE_AWARE_DEFAULTS } from '../../src/routing/cache-aware.ts';
import { RoutingOptionError } from '../../src/routing/errors.ts';
import { RouterView } from '../../src/routing/router-view.ts';
import { chain, makeContext, makeRequest, makeWorkers } from './factories.ts';

const request24 = makeRequest('r', chain('a', 24));

describe('cacheAware', () => {
  it('has SGLang-shaped thresholds, the absolute one sized for small clusters', () => {
    expect(CACHE_AWARE_DEFAULTS).toEqual({ balanceAbs: 16, balanceRel: 1.5, matchThreshold: 0.3 });
  });

  it('takes the longest match when it covers ≥ 0.3 of the request, and says why', () => {
    const workers = makeWorkers([{ inFlight: 3 }, { inFlight: 5 }, { inFlight: 4 }]);
    const choice = cacheAware(request24, makeContext(workers, [2, 4, 12]));
    expect(choice).toEqual({ workerId: 2, rule: 'longest-prefix', reason: 'matched 12/24 blocks on worker 2 ≥ 0.3; loads 3..5 in flight' });
  });

  it('routes by prefix at exactly the threshold', () => {
    const workers = makeWorkers([{ outstandingMs: 500 }, {}]);
    // 0.3 × 10 = 3 blocks
    expect(cacheAware(makeRequest('r', chain('a', 10)), makeContext(workers, [3, 0])).rule).toBe('longest-prefix');
  });

  it('falls back to least loaded on a low match', () => {
    const workers = makeWorkers([{ outstandingMs: 400 }, { outstandingMs: 90 }, { outstandingMs: 200 }]);
    const choice = cacheAware(request24, makeContext(workers, [7, 0, 0]));
    expect(choice).toEqual({
      workerId: 1,
      rule: 'low-match',
      reason: 'best match 7/24 blocks on worker 0 < 0.3; lowest outstanding 90 ms on worker 1 (alive: 90 ms..400 ms)',
    });
  });

  it('falls back to least loaded under imbalance, even with a full match', () => {
    const workers = makeWorkers([{ inFlight: 20, outstandingMs: 5000 }, { inFlight: 3, outstandingMs: 700 }, { inFlight: 4, outstandingMs: 600 }]);
    const choice = cacheAware(request24, makeContext(workers, [24, 0, 0]));
    expect(choice.workerId).toBe(2);
    expect(choice.rule).toBe('load-guard');
    expect(choice.reason).toBe('loads 3..20 in flight: 20 − 3 > 16 and 20 > 1.5 × 3; lowest outstanding 600 ms on worker 2 (alive: 600 ms..5000 ms)');
  });

  it('needs both guard conditions: a gap > 16 that is not > 1.5× does not fire', () => {
    const workers = makeWorkers([{ inFlight: 60 }, { inFlight: 41 }]); // 19 > 16, 60 < 61.5
    expect(cacheAware(request24, makeContext(workers, [24, 0])).rule).toBe('longest-prefix');
    const close = makeWorkers([{ inFlight: 16 }, { inFlight: 0 }]); // 16 is not > 16
    expect(cacheAware(request24, makeContext(close, [24, 0])).rule).toBe('longest-prefix');
  });

  it('ignores dead workers for the guard and the match', () => {
    const workers = makeWorkers([{ alive: false, inFlight: 0 }, { inFlight: 20 }, { inFlight: 19 }]);
    const choice = cacheAware(request24, makeContext(workers, [24, 2, 12]));
    expect([choice.workerId, choice.rule]).toEqual([2, 'longest-prefix']);
  });

  it('breaks match ties by fewest in flight, then fewest sent, then lowest id', () => {
    const workers = makeWorkers([{ inFlight: 2 }, { inFlight: 1, sent: 8 }, { inFlight: 1, sent: 7 }, { inFlight: 1, sent: 7 }]);
    expect(cacheAware(request24, makeContext(workers, [12, 12, 12, 12])).workerId).toBe(2);
  });

  it('treats a request without a full block as a low match', () => {
    const workers = makeWorkers([{ outstandingMs: 5 }, {}]);
    expect(cacheAware(makeRequest('r', []), makeContext(workers)).rule).toBe('low-match');
  });

  it('spreads requests that all share a first block, where longest-prefix piles them up', () => {
    const view = new RouterView({ workers: 4, mode: 'approx', latency: DEFAULT_LATENCY });
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 200; i++) {
      const request = makeRequest(`r${i}`, [...chain('system', 4), ...chain(`own${i}-`, 20)], 50);
      const choice = cacheAware(request, view.context(request, 0));
      view.onRouted(request, choice.workerId, 0);
      counts[choice.workerId]!++;
    }
    // The shared 4/24 blocks are below the threshold: every request goes by load.
    expect(counts).toEqual([50, 50, 50, 50]);
  });

  it('the load guard bounds the pile-up of a hot prefix to about balanceAbs', () => {
    const view = new RouterView({ workers: 4, mode: 'approx', latency: DEFAULT_LATENCY });
    const rules = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      // 12 of 24 blocks shared: above the threshold, so prefix wins until the guard fires.
      const request = makeRequest(`r${i}`, [...chain('doc', 12), ...chain(`q${i}-`, 12)], 50);
      const choice = cacheAware(request, view.context(request, 0));
      view.onRouted(request, choice.workerId, 0);
      rules.set(choice.rule, (rules.get(choice.rule) ?? 0) + 1);
    }
    const inFlight = view.loads(0).map((w) => w.inFlight);
    expect(Math.max(...inFlight) - Math.min(...inFlight), `loads ${inFlight.join(', ')}`).toBeLessThanOrEqual(17);
    expect(rules.get('load-guard') ?? 0).toBeGreaterThan(0);
  });

  it('validates its options', () => {
    expect(() => createCacheAware({ matchThreshold: 1.5 })).toThrow(RoutingOptionError);
    expect(() => createCacheAware({ balanceRel: 0.5, balanceAbs: -1 })).toThrow('invalid cache-aware options: balanceAbs = -1 (≥ 0), balanceRel = 0.5 (finite, ≥ 1)');
    expect(createCacheAware({ balanceAbs: 64 })(request24, makeContext(makeWorkers([{ inFlight: 20 }, {}]), [24, 0])).rule).toBe('longest-prefix');
  });
});
