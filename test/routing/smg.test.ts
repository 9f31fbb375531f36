import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { NoWorkerAliveError, RoutingOptionError } from '../../src/routing/errors.ts';
import { RouterView, viewOptions } from '../../src/routing/router-view.ts';
import { createSmg, SMG_DEFAULTS } from '../../src/routing/smg.ts';
import { chain, countingDraws, makeContext, makeRequest, makeWorkers } from './factories.ts';
import { routePrompts } from './route-prompts.ts';

const request24 = makeRequest('r', chain('a', 24));
const request10 = makeRequest('r', chain('a', 10));

describe('smg', () => {
  const smg = createSmg();

  it('has the SMG gateway CLI defaults, the tree budget in blocks of 16 tokens', () => {
    expect(SMG_DEFAULTS).toEqual({ cacheThreshold: 0.3, balanceAbs: 64, balanceRel: 1.5, maxTreeBlocks: 4_194_304, evictionIntervalMs: 120_000 });
  });

  it('declares an approximate view with one budget for all workers together', () => {
    expect(smg.view).toEqual({ kind: 'approx', maxBlocks: 4_194_304, shared: true, evictionIntervalMs: 120_000 });
    expect(createSmg({ maxTreeBlocks: 64, evictionIntervalMs: 5 }).view).toEqual({ kind: 'approx', maxBlocks: 64, shared: true, evictionIntervalMs: 5 });
  });

  it('sends a match above 0.3 to the least in flight of the workers holding the deepest match, and says why', () => {
    // Worker 2 has fewer in flight but holds only 6 of the 12 deepest blocks.
    const workers = makeWorkers([{ inFlight: 5 }, { inFlight: 2 }, { inFlight: 1 }]);
    expect(smg(request24, makeContext(workers, [12, 12, 6]))).toEqual({
      workerId: 1,
      rule: 'cache-hit',
      reason: 'matched 12/24 blocks = 0.5 > 0.3; least in flight of its holders: worker 1 (2; mean 2.667)',
    });
  });

  it('draws uniformly among tied holders, in id order', () => {
    const workers = makeWorkers([{ inFlight: 1 }, { inFlight: 0 }, { inFlight: 1 }, { inFlight: 1 }]);
    const matched = [12, 3, 12, 12]; // holders 0, 2, 3; worker 1 holds less
    const pick = (draw: number) => smg(request24, makeContext(workers, matched, { draws: [draw] }));
    expect([pick(0).workerId, pick(0.5).workerId, pick(0.99).workerId]).toEqual([0, 2, 3]);
    expect(pick(0.5).reason).toBe('matched 12/24 blocks = 0.5 > 0.3; least in flight of its holders: worker 2 (1; mean 0.75; drawn from tied 0, 2, 3)');
  });

  it('draws only when holders tie', () => {
    const single = countingDraws(makeContext(makeWorkers([{ inFlight: 1 }, { inFlight: 2 }]), [12, 12], { draws: [0.9] }));
    expect(smg(request24, single.context).workerId).toBe(0);
    expect(single.draws()).toBe(0);
    const lowMatch = countingDraws(makeContext(makeWorkers([{}, {}]), [0, 0], { draws: [0.9] }));
    smg(request24, lowMatch.context);
    expect(lowMatch.draws(), 'least in flight ties go by sent, then id').toBe(0);
  });

  it('needs a match strictly above the threshold: exactly 0.3 goes by load', () => {
    const workers = makeWorkers([{ inFlight: 3 }, { inFlight: 1 }]);
    expect(smg(request10, makeContext(workers, [3, 0])).rule, '3/10 = 0.3 is not > 0.3').toBe('least-in-flight');
    expect(smg(request10, makeContext(workers, [4, 0])).rule, '4/10 > 0.3').toBe('cache-hit');
  });

  it('sends a low match to the least in flight, ties by fewest sent, then lowest id', () => {
    const workers = makeWorkers([{ inFlight: 1 }, { inFlight: 0, sent: 5 }, { inFlight: 0, sent: 3 }, { inFlight: 0, sent: 3 }]);
    expect(smg(request24, makeContext(workers, [7, 0, 0, 0]))).toEqual({
      workerId: 2,
      rule: 'least-in-flight',
      reason: 'matched 7/24 blocks = 0.292 ≤ 0.3; least in flight: worker 2 (0; mean 0.25)',
    });
  });

  it('spills a hot holder to the least-in-flight worker', () => {
    const workers = makeWorkers([{ inFlight: 100 }, { inFlight: 2 }, { inFlight: 3 }]);
    expect(smg(request24, makeContext(workers, [24, 0, 0]))).toEqual({
      workerId: 1,
      rule: 'spill',
      reason: 'matched 24/24 blocks = 1 > 0.3 on worker 0, but its 100 in flight > 1.5 × mean 35 and > mean + 64; least in flight: worker 1 (2)',
    });
  });

  it('spills only when the holder is over both 1.5 × mean and mean + 64 (strictly)', () => {
    const route = (inFlight: number[]) => smg(request24, makeContext(makeWorkers(inFlight.map((n) => ({ inFlight: n }))), [24, 0, 0])).rule;
    expect(route([90, 40, 20]), 'mean 50: 90 > 75 but not > 114').toBe('cache-hit');
    expect(route([420, 210, 210]), 'mean 280: 420 > 344 but not > 420').toBe('cache-hit');
    expect(route([421, 210, 209]), 'mean 280: 421 > 420 and > 344').toBe('spill');
    expect(route([128, 0, 64]), 'mean 64: 128 > 96 but not > 128').toBe('cache-hit');
    expect(route([129, 0, 64]), 'mean 64.33: 129 > 96.5 and > 128.33').toBe('spill');
  });

  it('spills to the least in flight by the tie rule: fewest sent, then lowest id', () => {
    const workers = makeWorkers([{ inFlight: 100 }, { inFlight: 2, sent: 5 }, { inFlight: 2, sent: 1 }]);
    expect(smg(request24, makeContext(workers, [24, 0, 0])).workerId).toBe(2);
  });

  it('skips dead workers: as holders and in the mean', () => {
    // Counted, the dead worker would be the idle holder, and its 0 in flight would make the mean
    // 63.3, so that 150 would spill (> 95 and > 127.3). Alive only: mean 95, 150 is not > 159.
    const workers = makeWorkers([{ alive: false }, { inFlight: 150 }, { inFlight: 40 }]);
    expect(smg(request24, makeContext(workers, [24, 24, 0]))).toMatchObject({ workerId: 1, rule: 'cache-hit' });
  });

  it('throws NoWorkerAliveError when no worker is alive', () => {
    expect(() => smg(request24, makeContext(makeWorkers([{ alive: false }])))).toThrow(NoWorkerAliveError);
  });

  it('records the spill target as a holder: a hot prefix replicates', () => {
    const eager = createSmg({ balanceAbs: 0, balanceRel: 1 }); // spill whenever the holder is above the mean
    const view = new RouterView({ workers: 2, ...viewOptions(eager.view!), latency: DEFAULT_LATENCY });
    const route = (id: string) => {
      const request = makeRequest(id, chain('doc', 4));
      const context = view.context(request, 0);
      const choice = eager(request, context);
      const matched = [...context.matched];
      view.onRouted(request, choice.workerId, 0);
      return { worker: choice.workerId, rule: choice.rule, matched };
    };
    expect(route('r1')).toEqual({ worker: 0, rule: 'least-in-flight', matched: [0, 0] });
    expect(route('r2')).toEqual({ worker: 1, rule: 'spill', matched: [4, 0] });
    expect(route('r3')).toEqual({ worker: 0, rule: 'cache-hit', matched: [4, 4] });
  });

  it('validates its options, listing every bad field', () => {
    expect(() => createSmg({ cacheThreshold: 2 })).toThrow(RoutingOptionError);
    expect(() => createSmg({ cacheThreshold: -1, balanceAbs: -2, balanceRel: Infinity, maxTreeBlocks: 0, evictionIntervalMs: -5 })).toThrow(
      'invalid smg options: cacheThreshold = -1 (0..1), balanceAbs = -2 (≥ 0), balanceRel = Infinity (finite, ≥ 1), maxTreeBlocks = 0 (an integer ≥ 1, or Infinity), evictionIntervalMs = -5 (finite, > 0)',
    );
  });

  it('forgets, in a real cluster, what the tree-wide budget dropped, from any worker', async () => {
    // Budget 4 blocks for both workers: A → 0, A again (hit: 4 held in all); B → 1 makes 8 > 4,
    // so A's blocks on worker 0, the least recent, go at the next check, though worker 0 alone
    // held only 4: the third A is predicted 0.
    const [a, b] = [0, 1000];
    const decisions = await routePrompts(createSmg({ maxTreeBlocks: 4, evictionIntervalMs: 10 }), [a, a, b, a]);
    expect(decisions.map((d) => [d.workerId, d.rule, d.predictedBlocks])).toEqual([
      [0, 'least-in-flight', 0],
      [0, 'cache-hit', 4],
      [1, 'least-in-flight', 0],
      [1, 'least-in-flight', 0],
    ]);
    // A budget of 8 for both holds A and B: the third A is predicted in full.
    const roomy = await routePrompts(createSmg({ maxTreeBlocks: 8, evictionIntervalMs: 10 }), [a, a, b, a]);
    expect(roomy[3]).toMatchObject({ workerId: 0, rule: 'cache-hit', predictedBlocks: 4 });
  });
});
