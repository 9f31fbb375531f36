import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { cacheAware, createCacheAware, CACHE_AWARE_DEFAULTS } from '../../src/routing/cache-aware.ts';
import { RoutingOptionError } from '../../src/routing/errors.ts';
import { RouterView } from '../../src/routing/router-view.ts';
import { chain, makeContext, makeRequest, makeWorkers } from './factories.ts';

const request24 = makeRequest('r', chain('a', 24));

describe('cacheAware', () => {
  it('has SGLang’s guard shape (sized for small clusters) and credits of 14 ms per block and 1,000 ms per request', () => {
    expect(CACHE_AWARE_DEFAULTS).toEqual({ balanceAbs: 16, balanceRel: 1.5, blockCreditMs: 14, prefixCreditMs: 1000 });
  });

  it('takes the lowest outstanding ms less the credit of the held prefix, and says why', () => {
    // costs: 300 − 14 × 2 − 1000 × 2/24 = 188.7; 500 − 14 × 12 − 500 = −168; 200 − 0 − 0 = 200
    const workers = makeWorkers([{ outstandingMs: 300, inFlight: 3 }, { outstandingMs: 500, inFlight: 5 }, { outstandingMs: 200, inFlight: 4 }]);
    const choice = cacheAware(request24, makeContext(workers, [2, 12, 0]));
    expect(choice).toEqual({
      workerId: 1,
      rule: 'prefix-cost',
      reason: 'cost -168 ms on worker 1 = outstanding 500 ms − 14 × 12 blocks − 1000 × 12/24; loads 3..5 in flight',
    });
  });

  it('leaves a held prefix for a worker whose queue outweighs its credit', () => {
    // worker 0: 1500 − 14 × 24 − 1000 = 164 ms; worker 1: 100 ms with nothing held
    const workers = makeWorkers([{ outstandingMs: 1500 }, { outstandingMs: 100 }]);
    expect(cacheAware(request24, makeContext(workers, [24, 0]))).toMatchObject({ workerId: 1, rule: 'least-cost' });
    // ... but not one whose credit still covers it: 1300 − 336 − 1000 = −36 < 100
    const closer = makeWorkers([{ outstandingMs: 1300 }, { outstandingMs: 100 }]);
    expect(cacheAware(request24, makeContext(closer, [24, 0]))).toMatchObject({ workerId: 0, rule: 'prefix-cost' });
  });

  it('weighs a match by blocks and by its share of the request', () => {
    const long = makeRequest('long', chain('a', 100));
    // 8 of 100 blocks: 14 × 8 + 1000 × 0.08 = 192 ms of credit, beats a 150 ms queue gap
    expect(cacheAware(long, makeContext(makeWorkers([{ outstandingMs: 150 }, {}]), [8, 0])).workerId).toBe(0);
    // 2 of 100: 28 + 20 = 48 ms, does not
    expect(cacheAware(long, makeContext(makeWorkers([{ outstandingMs: 150 }, {}]), [2, 0])).workerId).toBe(1);
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
    expect(cacheAware(request24, makeContext(workers, [24, 0])).rule).toBe('prefix-cost');
    const close = makeWorkers([{ inFlight: 16 }, { inFlight: 0 }]); // 16 is not > 16
    expect(cacheAware(request24, makeContext(close, [24, 0])).rule).toBe('prefix-cost');
  });

  it('ignores dead workers for the guard and the cost', () => {
    const workers = makeWorkers([{ alive: false, inFlight: 0 }, { inFlight: 20 }, { inFlight: 19 }]);
    const choice = cacheAware(request24, makeContext(workers, [24, 2, 12]));
    expect([choice.workerId, choice.rule]).toEqual([2, 'prefix-cost']);
  });

  it('breaks cost ties by the longer match, then fewest in flight, fewest sent, lowest id', () => {
    // 14 × 2 + 1000 × 2/24 = 111.33 ms of credit on worker 0 offsets its 111.33 ms more work exactly
    const tied = makeWorkers([{ outstandingMs: 14 * 2 + (1000 * 2) / 24 }, {}]);
    expect(cacheAware(request24, makeContext(tied, [2, 0])).workerId).toBe(0);
    const workers = makeWorkers([{ inFlight: 2 }, { inFlight: 1, sent: 8 }, { inFlight: 1, sent: 7 }, { inFlight: 1, sent: 7 }]);
    expect(cacheAware(request24, makeContext(workers, [12, 12, 12, 12])).workerId).toBe(2);
  });

  it('sends a request without a full block by load alone', () => {
    const workers = makeWorkers([{ outstandingMs: 5 }, {}]);
    expect(cacheAware(makeRequest('r', []), makeContext(workers))).toMatchObject({ workerId: 1, rule: 'least-cost' });
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
    // The shared 4 blocks are worth 14 × 4 + 1000 × 4/24 = 222.7 ms; one more request's work
    // (5 + 2.5 × 20 + 15 × 50 = 805 ms) outweighs it, so every worker takes a share.
    expect(Math.min(...counts), `counts ${counts.join(', ')}`).toBeGreaterThanOrEqual(40);
  });

  it('the load guard bounds the pile-up of a hot prefix to about balanceAbs', () => {
    const view = new RouterView({ workers: 4, mode: 'approx', latency: DEFAULT_LATENCY });
    const rules = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      // 12 of 24 blocks shared, and a long output: the credit keeps them on one worker until the guard fires.
      const request = makeRequest(`r${i}`, [...chain('doc', 12), ...chain(`q${i}-`, 12)], 1);
      const choice = cacheAware(request, view.context(request, 0));
      view.onRouted(request, choice.workerId, 0);
      rules.set(choice.rule, (rules.get(choice.rule) ?? 0) + 1);
    }
    const inFlight = view.loads(0).map((w) => w.inFlight);
    expect(Math.max(...inFlight) - Math.min(...inFlight), `loads ${inFlight.join(', ')}`).toBeLessThanOrEqual(17);
    expect(rules.get('load-guard') ?? 0).toBeGreaterThan(0);
  });

  it('validates its options', () => {
    expect(() => createCacheAware({ blockCreditMs: -1 })).toThrow(RoutingOptionError);
    expect(() => createCacheAware({ balanceRel: 0.5, balanceAbs: -1, prefixCreditMs: Infinity })).toThrow(
      'invalid cache-aware options: balanceAbs = -1 (≥ 0), balanceRel = 0.5 (finite, ≥ 1), prefixCreditMs = Infinity (finite, ≥ 0)',
    );
    expect(createCacheAware({ balanceAbs: 64 })(request24, makeContext(makeWorkers([{ inFlight: 20 }, {}]), [24, 0])).rule).toBe('prefix-cost');
  });
});
