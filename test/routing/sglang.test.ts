import { describe, expect, it } from 'vitest';
import { NoWorkerAliveError, RoutingOptionError } from '../../src/routing/errors.ts';
import { createSglang, createSglangLegacy, SGLANG_DEFAULTS } from '../../src/routing/sglang.ts';
import { chain, makeContext, makeRequest, makeWorkers } from './factories.ts';
import { routePrompts } from './route-prompts.ts';

const request24 = makeRequest('r', chain('a', 24));
const request10 = makeRequest('r', chain('a', 10));

describe('sglang', () => {
  const sglang = createSglang();

  it('has the SGLang gateway CLI defaults, the tree budget in blocks of 16 tokens', () => {
    expect(SGLANG_DEFAULTS).toEqual({ balanceAbs: 64, balanceRel: 1.5, cacheThreshold: 0.3, maxTreeBlocks: 4_194_304, evictionIntervalMs: 120_000 });
  });

  it('declares an approximate view with one budget per worker', () => {
    expect(sglang.view).toEqual({ kind: 'approx', maxBlocks: 4_194_304, shared: false, evictionIntervalMs: 120_000 });
    expect(createSglang({ maxTreeBlocks: 100, evictionIntervalMs: 5 }).view).toEqual({ kind: 'approx', maxBlocks: 100, shared: false, evictionIntervalMs: 5 });
  });

  it('sends to the best-matching worker when its match is above 0.3, and says why', () => {
    const workers = makeWorkers([{ inFlight: 3 }, { inFlight: 5 }, { inFlight: 4 }]);
    expect(sglang(request24, makeContext(workers, [2, 4, 12]))).toEqual({
      workerId: 2,
      rule: 'cache-hit',
      reason: 'matched 12/24 blocks on worker 2 = 0.5 > 0.3; 4 in flight there, loads 3..5 in flight',
    });
  });

  it('sends to the least-in-flight worker when the best match is at most 0.3', () => {
    const workers = makeWorkers([{ inFlight: 4 }, { inFlight: 2 }, { inFlight: 5 }]);
    expect(sglang(request24, makeContext(workers, [7, 0, 0]))).toEqual({
      workerId: 1,
      rule: 'least-in-flight',
      reason: 'matched 7/24 blocks on worker 0 = 0.292 ≤ 0.3; least in flight: worker 1 (2; loads 2..5 in flight)',
    });
  });

  it('needs a match strictly above the threshold: exactly 0.3 goes by load', () => {
    const workers = makeWorkers([{ inFlight: 3 }, { inFlight: 1 }]);
    expect(sglang(request10, makeContext(workers, [3, 0])).workerId, '3/10 = 0.3 is not > 0.3').toBe(1);
    expect(sglang(request10, makeContext(workers, [4, 0])).workerId, '4/10 > 0.3').toBe(0);
  });

  it('sends to the least-in-flight worker when the load guard fires, even with a full match', () => {
    const workers = makeWorkers([{ inFlight: 90 }, { inFlight: 3 }, { inFlight: 10 }]);
    expect(sglang(request24, makeContext(workers, [24, 0, 0]))).toEqual({
      workerId: 1,
      rule: 'load-guard',
      reason: 'loads 3..90 in flight: 90 − 3 > 64 and 90 > 1.5 × 3; least in flight: worker 1 (3)',
    });
  });

  it('fires the load guard only when both conditions hold', () => {
    const route = (inFlight: number[]) => sglang(request24, makeContext(makeWorkers(inFlight.map((n) => ({ inFlight: n }))), [24, 0])).rule;
    expect(route([65, 0]), 'gap 65 > 64 and 65 > 1.5 × 0').toBe('load-guard');
    expect(route([64, 0]), 'gap 64 is not > 64').toBe('cache-hit');
    expect(route([200, 134]), 'gap 66 > 64 but 200 is not > 1.5 × 134 = 201').toBe('cache-hit');
    expect(route([202, 134]), 'gap 68 > 64 and 202 > 201').toBe('load-guard');
  });

  it('breaks a tie of matches by fewest in flight, then lowest id (not by requests sent)', () => {
    const workers = makeWorkers([{ inFlight: 2 }, { inFlight: 1, sent: 9 }, { inFlight: 1, sent: 0 }]);
    expect(sglang(request24, makeContext(workers, [12, 12, 12])).workerId).toBe(1);
  });

  it('breaks a tie of least in flight by fewest sent, then lowest id', () => {
    const workers = makeWorkers([{ inFlight: 1 }, { inFlight: 0, sent: 5 }, { inFlight: 0, sent: 3 }, { inFlight: 0, sent: 3 }]);
    expect(sglang(request24, makeContext(workers)).workerId).toBe(2);
  });

  it('skips dead workers in the guard and the match', () => {
    // Counting the dead worker (0 in flight) would fire the guard: 70 − 0 > 64.
    const workers = makeWorkers([{ alive: false }, { inFlight: 70 }, { inFlight: 20 }]);
    const choice = sglang(request24, makeContext(workers, [24, 2, 12]));
    expect([choice.workerId, choice.rule]).toEqual([2, 'cache-hit']);
  });

  it('treats a request without a full block as a low match', () => {
    const workers = makeWorkers([{ inFlight: 1 }, {}]);
    expect(sglang(makeRequest('r', []), makeContext(workers))).toMatchObject({ workerId: 1, rule: 'least-in-flight' });
  });

  it('throws NoWorkerAliveError when no worker is alive', () => {
    expect(() => sglang(request24, makeContext(makeWorkers([{ alive: false }, { alive: false }])))).toThrow(NoWorkerAliveError);
  });

  it('validates its options, listing every bad field', () => {
    expect(() => createSglang({ cacheThreshold: 1.5 })).toThrow(RoutingOptionError);
    expect(() => createSglang({ balanceAbs: -1, balanceRel: 0.5, cacheThreshold: -0.1, maxTreeBlocks: 2.5, evictionIntervalMs: 0 })).toThrow(
      'invalid sglang options: balanceAbs = -1 (≥ 0), balanceRel = 0.5 (finite, ≥ 1), cacheThreshold = -0.1 (0..1), maxTreeBlocks = 2.5 (an integer ≥ 1, or Infinity), evictionIntervalMs = 0 (finite, > 0)',
    );
    expect(() => createSglangLegacy({ maxTreeBlocks: 0 })).toThrow('invalid sglang-legacy options: maxTreeBlocks = 0 (an integer ≥ 1, or Infinity)');
    expect(createSglang({ maxTreeBlocks: Infinity }).view).toMatchObject({ maxBlocks: Infinity });
  });

  it('forgets, in a real cluster, a prompt its tree budget dropped, and keeps one within budget', async () => {
    // Budget 4 blocks per worker: A, A again (hit), B and C both to worker 1 (8 > 4: B, the least
    // recent, goes at the next check), B again (predicted 0), C again (still held: 4).
    const [a, b, c] = [0, 1000, 2000];
    const decisions = await routePrompts(createSglang({ maxTreeBlocks: 4, evictionIntervalMs: 10 }), [a, a, b, c, b, c]);
    expect(decisions.map((d) => [d.workerId, d.rule, d.predictedBlocks])).toEqual([
      [0, 'least-in-flight', 0],
      [0, 'cache-hit', 4],
      [1, 'least-in-flight', 0],
      [1, 'least-in-flight', 0],
      [0, 'least-in-flight', 0],
      [1, 'cache-hit', 4],
    ]);
    // Without a budget the repeat of B is predicted in full.
    const unbounded = await routePrompts(createSglang({ maxTreeBlocks: Infinity }), [a, a, b, c, b, c]);
    expect(unbounded[4]).toMatchObject({ workerId: 1, rule: 'cache-hit', predictedBlocks: 4 });
  });
});

describe('sglangLegacy', () => {
  const legacy = createSglangLegacy();

  it('declares the same view as sglang', () => {
    expect(legacy.view).toEqual(createSglang().view);
  });

  it('sends a low match to the alive worker with the smallest tree, and says why', () => {
    const workers = makeWorkers([{ viewBlocks: 500 }, { viewBlocks: 120, inFlight: 9 }, { viewBlocks: 300 }]);
    expect(legacy(request24, makeContext(workers, [7, 0, 0]))).toEqual({
      workerId: 1,
      rule: 'smallest-tree',
      reason: 'matched 7/24 blocks on worker 0 = 0.292 ≤ 0.3; smallest tree: worker 1 (120 blocks; alive 120..500)',
    });
  });

  it('breaks a tie of tree sizes by fewest in flight, then fewest sent, then lowest id', () => {
    const workers = makeWorkers([{ viewBlocks: 50, inFlight: 1 }, { viewBlocks: 50, sent: 4 }, { viewBlocks: 50, sent: 2 }, { viewBlocks: 50, sent: 2 }]);
    expect(legacy(request24, makeContext(workers)).workerId).toBe(2);
  });

  it('skips a dead worker even when its tree is the smallest', () => {
    const workers = makeWorkers([{ alive: false, viewBlocks: 0 }, { viewBlocks: 80 }, { viewBlocks: 40 }]);
    expect(legacy(request24, makeContext(workers)).workerId).toBe(2);
  });

  it('keeps the load guard and the cache hit of sglang', () => {
    const guarded = makeWorkers([{ inFlight: 90, viewBlocks: 0 }, { inFlight: 3, viewBlocks: 900 }]);
    expect(legacy(request24, makeContext(guarded, [24, 0])).rule).toBe('load-guard');
    const balanced = makeWorkers([{ viewBlocks: 900 }, { viewBlocks: 0 }]);
    expect(legacy(request24, makeContext(balanced, [24, 0]))).toMatchObject({ workerId: 0, rule: 'cache-hit' });
  });

  it('forgets, in a real cluster, what its tree budget dropped', async () => {
    // A → 0, A again (hit); B → the smallest tree (1); C → 1 (trees tie at 4 blocks; fewer sent),
    // which now holds 8 > 4: B is dropped, and its repeat is predicted 0; C's is predicted 4.
    const [a, b, c] = [0, 1000, 2000];
    const decisions = await routePrompts(createSglangLegacy({ maxTreeBlocks: 4, evictionIntervalMs: 10 }), [a, a, b, c, b, c]);
    expect(decisions.map((d) => d.predictedBlocks)).toEqual([0, 4, 0, 0, 0, 4]);
  });
});
