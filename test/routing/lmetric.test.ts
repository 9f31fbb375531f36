import { describe, expect, it } from 'vitest';
import { NoWorkerAliveError, RoutingOptionError } from '../../src/routing/errors.ts';
import { createLmetric, LMETRIC_DEFAULTS } from '../../src/routing/lmetric.ts';
import { createSglang } from '../../src/routing/sglang.ts';
import { chain, makeContext, makeRequest, makeWorkers } from './factories.ts';
import { routePrompts } from './route-prompts.ts';

const request24 = makeRequest('r', chain('a', 24));

describe('lmetric', () => {
  const lmetric = createLmetric();

  it("has sglang's tree budget and eviction interval", () => {
    expect(LMETRIC_DEFAULTS).toEqual({ maxTreeBlocks: 4_194_304, evictionIntervalMs: 120_000 });
  });

  it("declares sglang's view: approximate, one budget per worker", () => {
    expect(lmetric.view).toEqual({ kind: 'approx', maxBlocks: 4_194_304, shared: false, evictionIntervalMs: 120_000 });
    expect(lmetric.view).toEqual(createSglang().view);
    expect(createLmetric({ maxTreeBlocks: 10, evictionIntervalMs: 7 }).view).toEqual({ kind: 'approx', maxBlocks: 10, shared: false, evictionIntervalMs: 7 });
  });

  it('sends to the lowest (blocks − matched) × (in flight + 1), and says why', () => {
    // Scores: (24 − 20) × 4 = 16, 24 × 1 = 24, (24 − 12) × 2 = 24.
    const workers = makeWorkers([{ inFlight: 3 }, { inFlight: 0 }, { inFlight: 1 }]);
    expect(lmetric(request24, makeContext(workers, [20, 0, 12]))).toEqual({
      workerId: 0,
      rule: 'lowest-score',
      reason: 'score (24 − 20) × (3 + 1) = 16 on worker 0; alive 16..24',
    });
  });

  it('leaves a cached worker once its queue outweighs the work it saves', () => {
    // (24 − 20) × 8 = 32 against 24 × 1 = 24.
    const workers = makeWorkers([{ inFlight: 7 }, { inFlight: 0 }]);
    expect(lmetric(request24, makeContext(workers, [20, 0])).workerId).toBe(1);
  });

  it('sends a full match to its holder whatever its load: no guard, the product is 0', () => {
    const workers = makeWorkers([{ inFlight: 500 }, { inFlight: 0 }]);
    expect(lmetric(request24, makeContext(workers, [24, 0]))).toMatchObject({ workerId: 0, reason: 'score (24 − 24) × (500 + 1) = 0 on worker 0; alive 0..24' });
  });

  it('breaks a tie of scores by fewest in flight', () => {
    // (24 − 12) × 2 = 24 and (24 − 16) × 3 = 24.
    const workers = makeWorkers([{ inFlight: 2 }, { inFlight: 1 }]);
    expect(lmetric(request24, makeContext(workers, [16, 12])).workerId).toBe(1);
  });

  it('then by lowest id, not by requests sent (equal score and in flight leave equal new work)', () => {
    const workers = makeWorkers([{ inFlight: 1 }, { inFlight: 1, sent: 9 }, { inFlight: 1, sent: 0 }]);
    expect(lmetric(request24, makeContext(workers, [6, 12, 12])).workerId).toBe(1);
  });

  it('skips dead workers, even one holding the whole prompt', () => {
    const workers = makeWorkers([{ alive: false }, { inFlight: 2 }, { inFlight: 0 }]);
    expect(lmetric(request24, makeContext(workers, [24, 12, 0]))).toMatchObject({ workerId: 2, reason: 'score (24 − 0) × (0 + 1) = 24 on worker 2; alive 24..36' });
  });

  it('throws NoWorkerAliveError when no worker is alive', () => {
    expect(() => lmetric(request24, makeContext(makeWorkers([{ alive: false }, { alive: false }])))).toThrow(NoWorkerAliveError);
  });

  it('validates its options, listing every bad field', () => {
    expect(() => createLmetric({ maxTreeBlocks: -1 })).toThrow(RoutingOptionError);
    expect(() => createLmetric({ maxTreeBlocks: 1.5, evictionIntervalMs: Infinity })).toThrow(
      'invalid lmetric options: maxTreeBlocks = 1.5 (an integer ≥ 1, or Infinity), evictionIntervalMs = Infinity (finite, > 0)',
    );
  });

  it('forgets, in a real cluster, a prompt its tree budget dropped, and keeps one within budget', async () => {
    // Budget 4 blocks per worker: A → 0, A again (score 0); B → 0 (equal scores: lowest id), which
    // now holds 8 > 4: A, the least recent, goes at the next check; B again is predicted 4, A 0.
    const [a, b] = [0, 1000];
    const decisions = await routePrompts(createLmetric({ maxTreeBlocks: 4, evictionIntervalMs: 10 }), [a, a, b, b, a]);
    expect(decisions.map((d) => [d.workerId, d.predictedBlocks])).toEqual([
      [0, 0],
      [0, 4],
      [0, 0],
      [0, 4],
      [0, 0],
    ]);
    const unbounded = await routePrompts(createLmetric({ maxTreeBlocks: Infinity }), [a, a, b, b, a]);
    expect(unbounded[4]).toMatchObject({ workerId: 0, predictedBlocks: 4 });
  });
});
