import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { cacheAware, createCacheAware, CACHE_AWARE_DEFAULTS } from '../../src/routing/cache-aware.ts';
import { RoutingOptionError } from '../../src/routing/errors.ts';
import { RouterView } from '../../src/routing/router-view.ts';
import { chain, countingDraws, makeContext, makeRequest, makeWorkers } from './factories.ts';

const request24 = makeRequest('r', chain('a', 24));

describe('cacheAware', () => {
  it('has SGLang’s guard (sized for small clusters) and threshold, a 100 ms TTFT slack and credits of 14 ms per block and 1,000 ms per request', () => {
    expect(CACHE_AWARE_DEFAULTS).toEqual({ balanceAbs: 16, balanceRel: 1.5, matchThreshold: 0.3, affinitySlackMs: 100, blockCreditMs: 14, prefixCreditMs: 1000 });
  });

  it('takes the deepest match when it covers ≥ 0.3 of the request and its TTFT is within the slack, and says why', () => {
    // est. TTFT = queued prefill + 5 + 2.5 × unmatched blocks: worker 2 = 60 + 5 + 30 = 95 ms; fastest worker 1 = 0 + 5 + 50 = 55 ms
    const workers = makeWorkers([{ inFlight: 3 }, { inFlight: 5 }, { inFlight: 4, queuedPrefillMs: 60 }]);
    expect(cacheAware(request24, makeContext(workers, [2, 4, 12]))).toEqual({
      workerId: 2,
      rule: 'longest-prefix',
      reason: 'matched 12/24 blocks on worker 2 ≥ 0.3; est. TTFT 95 ms ≤ fastest 55 ms + 100 ms; loads 3..5 in flight',
    });
  });

  it('routes by prefix at exactly the threshold', () => {
    // 0.3 × 10 = 3 blocks
    expect(cacheAware(makeRequest('r', chain('a', 10)), makeContext(makeWorkers([{ outstandingMs: 500 }, {}]), [3, 0])).rule).toBe('longest-prefix');
  });

  it('leaves the deepest match when its queue would cost more than the slack', () => {
    // worker 0: 200 + 5 + 0 = 205 ms against worker 1's 5 + 60 = 65 ms: 140 ms over the fastest;
    // then the cost: 1500 − 14 × 24 − 1000 = 164 ms on worker 0 against 100 ms on worker 1
    const workers = makeWorkers([{ queuedPrefillMs: 200, outstandingMs: 1500 }, { outstandingMs: 100 }]);
    const choice = cacheAware(request24, makeContext(workers, [24, 0]));
    expect(choice.workerId).toBe(1);
    expect(choice.rule).toBe('least-cost');
    expect(choice.reason).toBe('the deepest match is over 100 ms slower; cost 100 ms on worker 1 = outstanding 100 ms − 14 × 0 − 1000 × 0/24; loads 0..0 in flight');
  });

  it('below the threshold, takes the lowest outstanding ms less the credit of a partial match', () => {
    // 7 of 24 blocks: 400 − 14 × 7 − 1000 × 7/24 = 10.3 ms beats 90 ms and 200 ms with nothing held
    const workers = makeWorkers([{ outstandingMs: 400 }, { outstandingMs: 90 }, { outstandingMs: 200 }]);
    expect(cacheAware(request24, makeContext(workers, [7, 0, 0]))).toEqual({
      workerId: 0,
      rule: 'prefix-cost',
      reason: 'best match 7/24 < 0.3; cost 10.3 ms on worker 0 = outstanding 400 ms − 14 × 7 − 1000 × 7/24; loads 0..0 in flight',
    });
    // ... but not against a worker with far less work: 600 − 389.7 = 210.3 ms > 90 ms
    const busier = makeWorkers([{ outstandingMs: 600 }, { outstandingMs: 90 }, { outstandingMs: 200 }]);
    expect(cacheAware(request24, makeContext(busier, [7, 0, 0]))).toMatchObject({ workerId: 1, rule: 'least-cost' });
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

  it('ignores dead workers for the guard, the match and the cost', () => {
    const workers = makeWorkers([{ alive: false, inFlight: 0 }, { inFlight: 20 }, { inFlight: 19 }]);
    const choice = cacheAware(request24, makeContext(workers, [24, 2, 12]));
    expect([choice.workerId, choice.rule]).toEqual([2, 'longest-prefix']);
    const low = makeWorkers([{ alive: false }, { outstandingMs: 50 }, { outstandingMs: 60 }]);
    expect(cacheAware(request24, makeContext(low, [0, 0, 0])).workerId).toBe(1);
  });

  it('draws among equally good workers from the run’s seed, and only when they tie', () => {
    const workers = makeWorkers([{}, {}, {}, {}]);
    // Four tied matches: draw 0.6 picks the third (⌊0.6 × 4⌋ = 2).
    expect(cacheAware(request24, makeContext(workers, [12, 12, 12, 12], { draws: [0.6] })).workerId).toBe(2);
    // Two tied costs (nothing held, no work): draw 0.99 picks worker 3 of workers 1 and 3.
    const loaded = makeWorkers([{ outstandingMs: 9 }, {}, { outstandingMs: 9 }, {}]);
    expect(cacheAware(request24, makeContext(loaded, [0, 0, 0, 0], { draws: [0.99] })).workerId).toBe(3);
    const single = countingDraws(makeContext(workers, [12, 0, 0, 0], { draws: [0.99] }));
    expect(cacheAware(request24, single.context).workerId).toBe(0);
    expect(single.draws(), 'a unique best takes no draw').toBe(0);
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
    // The shared 4/24 blocks are below the threshold, and worth 14 × 4 + 1000 × 4/24 = 222.7 ms:
    // less than one more request's work (5 + 2.5 × 20 + 15 × 50 = 805 ms), so every worker takes a share.
    expect(Math.min(...counts), `counts ${counts.join(', ')}`).toBeGreaterThanOrEqual(45);
  });

  it('the load guard bounds the pile-up of a hot prefix to about balanceAbs', () => {
    const view = new RouterView({ workers: 4, mode: 'approx', latency: DEFAULT_LATENCY });
    const rules = new Map<string, number>();
    for (let i = 0; i < 100; i++) {
      // 12 of 24 blocks shared, and short requests: the prefix wins until the guard fires.
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
    expect(() => createCacheAware({ matchThreshold: 1.5 })).toThrow(RoutingOptionError);
    expect(() => createCacheAware({ balanceRel: 0.5, balanceAbs: -1, affinitySlackMs: Infinity })).toThrow(
      'invalid cache-aware options: balanceAbs = -1 (≥ 0), balanceRel = 0.5 (finite, ≥ 1), affinitySlackMs = Infinity (finite, ≥ 0)',
    );
    expect(createCacheAware({ balanceAbs: 64 })(request24, makeContext(makeWorkers([{ inFlight: 20 }, {}]), [24, 0])).rule).toBe('longest-prefix');
  });
});
