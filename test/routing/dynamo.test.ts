import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/actors/cluster.ts';
import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import type { MessageOf } from '../../src/messages.ts';
import { createDynamo, DYNAMO_DEFAULTS } from '../../src/routing/dynamo.ts';
import { NoWorkerAliveError, RoutingOptionError } from '../../src/routing/errors.ts';
import type { RouteRequest } from '../../src/routing/types.ts';
import { createPrng } from '../../src/prng.ts';
import { chain, countingDraws, makeContext, makeRequest, makeWorkers } from './factories.ts';

const dynamo = createDynamo();
const request4 = makeRequest('r', chain('a', 4)); // 64 tokens: 4 prefill blocks
const request8 = makeRequest('r', chain('a', 8));

describe('createDynamo', () => {
  it("has Dynamo's defaults and reads KV events", () => {
    expect(DYNAMO_DEFAULTS).toEqual({
      overlapCredit: 1,
      prefillLoadScale: 1,
      decodeActiveRequestWeight: 0,
      temperature: 0,
      blockSize: 16,
      useKvEvents: true,
      ttlMs: 120_000,
    });
    expect(dynamo.view).toEqual({ kind: 'events' });
  });

  it('without KV events, declares the approximate view with a 120 s TTL (or the one given)', () => {
    expect(createDynamo({ useKvEvents: false }).view).toEqual({ kind: 'approx', ttlMs: 120_000 });
    expect(createDynamo({ useKvEvents: false, ttlMs: 5_000 }).view).toEqual({ kind: 'approx', ttlMs: 5_000 });
  });

  it('avoids a worker with pending prefill tokens, and gives the cost with its terms', () => {
    const workers = makeWorkers([{ prefillTokens: 320 }, {}]);
    const choice = dynamo(request4, makeContext(workers, [0, 0], { newBlocks: [4, 4] }));
    expect(choice).toEqual({
      workerId: 1,
      rule: 'min-cost',
      reason: 'cost 8 on worker 1 = 1 × max(0, (0 + 64)/16 − 1 × 0) + (0 + 4) + 0 × 0; alive costs 8..28',
    });
  });

  it('credits matched blocks against the prefill: a warm worker wins over an idle one', () => {
    // warm: max(0, 4 − 4) + (3 + 4) = 7; idle: 4 + (0 + 4) = 8
    const workers = makeWorkers([{ activeBlocks: 3 }, {}]);
    const context = () => makeContext(workers, [4, 0], { newBlocks: [4, 4] });
    expect(dynamo(request4, context()).workerId).toBe(0);
    // with half the credit: 2 + 7 = 9 > 8
    expect(createDynamo({ overlapCredit: 0.5 })(request4, context()).workerId).toBe(1);
  });

  it('floors the prefill term at 0 when the credit exceeds it', () => {
    // overlapCredit 2: worker 0's prefill would be 4 − 8 = −4 (cost 6), floored it is 0 (cost 10) > 8
    const workers = makeWorkers([{ activeBlocks: 10 }, {}]);
    const choice = createDynamo({ overlapCredit: 2 })(request4, makeContext(workers, [4, 0], { newBlocks: [0, 4] }));
    expect(choice.workerId).toBe(1);
    expect(choice.reason).toBe('cost 8 on worker 1 = 1 × max(0, (0 + 64)/16 − 2 × 0) + (0 + 4) + 0 × 0; alive costs 8..10');
  });

  it('counts the blocks in flight once: a worker already holding the request adds no new blocks', () => {
    // both prefill 8; worker 0: 5 active + 0 new = 13; worker 1: 0 active + 8 new = 16
    const workers = makeWorkers([{ activeBlocks: 5 }, {}]);
    expect(dynamo(request8, makeContext(workers, [0, 0], { newBlocks: [0, 8] })).workerId).toBe(0);
    // without the sharing, worker 0 holds 5 other blocks: 8 + 5 + 8 = 21 > 16
    expect(dynamo(request8, makeContext(workers, [0, 0], { newBlocks: [8, 8] })).workerId).toBe(1);
  });

  it('weighs the prefill term by prefillLoadScale', () => {
    // scale 1: worker 0 = 14 + 4 = 18, worker 1 = 4 + 10 = 14; scale 0.5: 11 vs 12
    const workers = makeWorkers([{ prefillTokens: 160 }, { activeBlocks: 6 }]);
    const context = () => makeContext(workers, [0, 0], { newBlocks: [4, 4] });
    expect(dynamo(request4, context()).workerId).toBe(1);
    expect(createDynamo({ prefillLoadScale: 0.5 })(request4, context()).workerId).toBe(0);
  });

  it('ignores requests in flight by default, and charges them with decodeActiveRequestWeight', () => {
    const workers = makeWorkers([{ inFlight: 10 }, { activeBlocks: 1 }]);
    const context = () => makeContext(workers, [0, 0], { newBlocks: [4, 4] });
    expect(dynamo(request4, context()).workerId).toBe(0);
    const choice = createDynamo({ decodeActiveRequestWeight: 1 })(request4, context());
    expect(choice.workerId).toBe(1);
    expect(choice.reason).toBe('cost 9 on worker 1 = 1 × max(0, (0 + 64)/16 − 1 × 0) + (1 + 4) + 1 × 0; alive costs 9..18');
  });

  it('does not round tokens to whole blocks: a partial block costs its fraction', () => {
    const request: RouteRequest = { id: 'r', hashes: chain('a', 2), promptTokens: 40, maxTokens: 10 };
    const workers = makeWorkers([{ prefillTokens: 8 }, {}]);
    const choice = dynamo(request, makeContext(workers, [0, 0], { newBlocks: [2, 2] }));
    expect(choice.reason).toBe('cost 4.5 on worker 1 = 1 × max(0, (0 + 40)/16 − 1 × 0) + (0 + 2) + 0 × 0; alive costs 4.5..5');
  });

  it('draws exact ties uniformly, in id order: 0 → the first, 0.99 → the last, 0.4 of three → the second', () => {
    const workers = makeWorkers([{}, { activeBlocks: 1 }, {}, {}]); // worker 1 costs more
    const pick = (draw: number) => dynamo(request4, makeContext(workers, [0, 0, 0, 0], { draws: [draw] }));
    expect(pick(0).workerId).toBe(0);
    expect(pick(0.99).workerId).toBe(3);
    expect(pick(0.4).workerId).toBe(2);
    expect(pick(0.99).reason).toBe('cost 4 on worker 3 = 1 × max(0, (0 + 64)/16 − 1 × 0) + (0 + 0) + 0 × 0; alive costs 4..5; 3 tied, drew #3');
  });

  it('draws nothing when one worker has the lowest cost', () => {
    const { context, draws: calls } = countingDraws(makeContext(makeWorkers([{ activeBlocks: 1 }, {}]), [0, 0], { draws: [0.99] }));
    expect(dynamo(request4, context).workerId).toBe(1);
    expect(calls()).toBe(0);
  });

  describe('at temperature > 0', () => {
    // costs 8, 10, 12: p ∝ exp(0), exp(−0.5), exp(−1) at T = 1
    const workers = makeWorkers([{}, { activeBlocks: 2 }, { activeBlocks: 4 }]);
    const weights = [1, Math.exp(-0.5), Math.exp(-1)];
    const p = weights.map((w) => w / weights.reduce((a, b) => a + b, 0)); // 0.5065, 0.3072, 0.1863
    const sampled = createDynamo({ temperature: 1 });
    const context = (draws: number[]) => makeContext(workers, [0, 0, 0], { newBlocks: [4, 4, 4], draws });

    it('samples a worker that is not the cheapest when the draw lands on it', () => {
      const choice = sampled(request4, context([0.6])); // 0.5065 < 0.6 ≤ 0.8137
      expect(choice).toEqual({
        workerId: 1,
        rule: 'sampled',
        reason: `drew 0.6 at T 1: p ${Math.round(p[1]! * 1000) / 1000}, cost 10 on worker 1 = 1 × max(0, (0 + 64)/16 − 1 × 0) + (2 + 4) + 0 × 0; alive costs 8..12`,
      });
      expect(sampled(request4, context([0.3])).workerId).toBe(0);
      expect(sampled(request4, context([0.95])).workerId).toBe(2);
    });

    it('draws once per request, even without a tie', () => {
      const { context: counted, draws: calls } = countingDraws(context([0.1]));
      sampled(request4, counted);
      expect(calls()).toBe(1);
    });

    it('matches the softmax probabilities over many seeded draws', () => {
      const random = createPrng(7);
      const counts = [0, 0, 0];
      const n = 20_000;
      for (let i = 0; i < n; i++) {
        const choice = sampled(request4, { ...context([]), random });
        counts[choice.workerId]!++;
      }
      // within 4 standard errors of a binomial frequency (≈ 0.011 for the rarest worker)
      counts.forEach((count, w) => {
        const tolerance = 4 * Math.sqrt((p[w]! * (1 - p[w]!)) / n);
        expect(Math.abs(count / n - p[w]!), `worker ${w}: frequency ${count / n}, softmax p ${p[w]}`).toBeLessThan(tolerance);
      });
    });

    it('a lower temperature sharpens the choice toward the cheapest', () => {
      const random = createPrng(11);
      let cheapest = 0;
      for (let i = 0; i < 2_000; i++) if (createDynamo({ temperature: 0.1 })(request4, { ...context([]), random }).workerId === 0) cheapest++;
      // p(cheapest) = 1 / (1 + e^−5 + e^−10) ≈ 0.993
      expect(cheapest / 2_000).toBeGreaterThan(0.98);
    });

    it('is uniform when every cost is equal', () => {
      const equal = makeWorkers([{}, {}, {}]);
      const pick = (draw: number) => sampled(request4, makeContext(equal, [0, 0, 0], { draws: [draw] })).workerId;
      expect([pick(0.2), pick(0.5), pick(0.9)]).toEqual([0, 1, 2]);
    });
  });

  it('never chooses a dead worker, even the cheapest, and draws ties among the alive only', () => {
    const workers = makeWorkers([{ alive: false }, { activeBlocks: 1 }, { activeBlocks: 1 }]);
    expect(dynamo(request4, makeContext(workers, [4, 0, 0], { draws: [0.99] })).workerId).toBe(2);
    expect(dynamo(request4, makeContext(workers, [4, 0, 0], { draws: [0] })).workerId).toBe(1);
    expect(createDynamo({ temperature: 1 })(request4, makeContext(workers, [4, 0, 0], { draws: [0] })).workerId).toBe(1);
  });

  it('throws NoWorkerAliveError when every worker is down', () => {
    const workers = makeWorkers([{ alive: false }, { alive: false }]);
    expect(() => dynamo(request4, makeContext(workers))).toThrow(NoWorkerAliveError);
  });

  it('validates its options, naming every bad field', () => {
    expect(() => createDynamo({ temperature: -1 })).toThrow(RoutingOptionError);
    expect(() => createDynamo({ overlapCredit: -1, prefillLoadScale: Infinity, blockSize: 0, ttlMs: 0 })).toThrow(
      'invalid dynamo options: overlapCredit = -1 (finite, ≥ 0), prefillLoadScale = Infinity (finite, ≥ 0), blockSize = 0 (integer ≥ 1), ttlMs = 0 (> 0; Infinity: never)',
    );
  });
});

describe('createDynamo in a cluster', () => {
  const prompt = Array.from({ length: 100 }, (_, i) => (i * 7919 + 13) % 50257); // 6 full blocks

  async function routes(options: ClusterOptions): Promise<MessageOf<'REQUEST.ROUTED'>[]> {
    const cluster = createCluster({ workers: 2, strategy: createDynamo(), ...options });
    const routed: MessageOf<'REQUEST.ROUTED'>[] = [];
    cluster.events$.subscribe((m) => {
      if (m.type === 'REQUEST.ROUTED') routed.push(m);
    });
    cluster.submit({ id: 'first', prompt, maxTokens: 10 }, 0);
    cluster.submit({ id: 'again', prompt, maxTokens: 10 }, 1_000);
    await cluster.run();
    return routed;
  }

  it('sends a repeated prompt to the worker holding it once its KV events arrived', async () => {
    const [first, again] = await routes({});
    expect(first!.decision).toMatchObject({ rule: 'min-cost', predictedBlocks: 0 });
    // the holder: max(0, 100/16 − 6) + 6 new = 6.25; the other: 6.25 + 6 = 12.25
    expect(again!.decision).toMatchObject({ rule: 'min-cost', workerId: first!.decision.workerId, predictedBlocks: 6 });
    expect(again!.decision.reason).toContain('cost 6.25 on worker');
  });

  it('does not credit blocks whose KV events have not arrived yet', async () => {
    const [, again] = await routes({ delays: { 'KV.STORED': 5_000 } });
    expect(again!.decision.predictedBlocks).toBe(0);
    expect(again!.decision.reason).toContain('alive costs 12.25..12.25; 2 tied');
  });
});
