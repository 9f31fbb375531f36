import { describe, expect, it } from 'vitest';
import { NoWorkerAliveError, RoutingOptionError } from '../../src/routing/errors.ts';
import { createLlmD, LLM_D_DEFAULTS, maxWithRandomTies } from '../../src/routing/llm-d.ts';
import { chain, makeContext, makeRequest, makeWorkers } from './factories.ts';

const llmD = createLlmD();
const request24 = makeRequest('r', chain('a', 24));

describe('createLlmD', () => {
  it("has llm-d's default profile weights and reads KV events", () => {
    expect(LLM_D_DEFAULTS).toEqual({ queueWeight: 2, kvCacheWeight: 2, prefixWeight: 3 });
    expect(llmD.view).toEqual({ kind: 'events' });
  });

  it('scores the queue from the shortest (1) to the longest (0) and says why', () => {
    // queue 1, 0, 0.5; kv 1 everywhere; prefix 0
    const workers = makeWorkers([{ waiting: 0 }, { waiting: 4 }, { waiting: 2 }]);
    expect(llmD(request24, makeContext(workers))).toEqual({
      workerId: 0,
      rule: 'max-score',
      reason: 'score 4 on worker 0 = 2 × queue 1 + 2 × kv 1 + 3 × prefix 0 (waiting 0 in 0..4, 0/924 blocks used, matched 0/24); alive scores 2..4',
    });
  });

  it('gives every worker queue score 1 when all queues are equal', () => {
    const workers = makeWorkers([{ waiting: 3, activeBlocks: 462 }, { waiting: 3 }]);
    const choice = llmD(request24, makeContext(workers));
    expect(choice.workerId).toBe(1);
    expect(choice.reason).toMatch(/^score 4 on worker 1 = 2 × queue 1 \+ 2 × kv 1 .*alive scores 3\.\.4$/);
  });

  it('scores KV-cache utilisation as 1 − used blocks / capacity', () => {
    const workers = makeWorkers([{ activeBlocks: 231 }, { activeBlocks: 693 }]); // kv 0.75 and 0.25
    const choice = llmD(request24, makeContext(workers));
    expect(choice.workerId).toBe(0);
    expect(choice.reason).toContain('score 3.5 on worker 0 = 2 × queue 1 + 2 × kv 0.75 + 3 × prefix 0');
  });

  it('counts no utilisation on an unbounded cache', () => {
    const workers = makeWorkers([{ activeBlocks: 10_000, capacity: Infinity, waiting: 0 }, { capacity: Infinity, waiting: 1 }]);
    expect(llmD(request24, makeContext(workers)).reason).toContain('score 4 on worker 0 = 2 × queue 1 + 2 × kv 1');
  });

  it('clamps a worker over capacity to kv 0 rather than below', () => {
    // worker 0: 2 + 2 × 0 + 3 × 1 = 5 (unclamped kv −1 would give 3); worker 1: 2 + 2 + 0 = 4
    const workers = makeWorkers([{ activeBlocks: 1848 }, {}]);
    expect(llmD(request24, makeContext(workers, [24, 0])).workerId).toBe(0);
  });

  it('scores the prefix as matched / request blocks, 0 for a request without a full block', () => {
    const workers = makeWorkers([{ waiting: 1 }, { waiting: 0 }]);
    // worker 0: 0 + 2 + 3 × 0.5 = 3.5; worker 1: 2 + 2 + 0 = 4
    expect(llmD(request24, makeContext(workers, [12, 0])).workerId).toBe(1);
    // worker 0: 0 + 2 + 3 × 0.75 = 4.25
    expect(llmD(request24, makeContext(workers, [18, 0])).reason).toContain('3 × prefix 0.75 (waiting 1 in 0..1, 0/924 blocks used, matched 18/24)');
    expect(llmD(makeRequest('empty', []), makeContext(workers, [0, 0])).workerId).toBe(1);
  });

  it('trades the prefix against the queue by the weights', () => {
    const workers = makeWorkers([{ waiting: 3 }, { waiting: 0 }]);
    // full match on the busy worker: 0 + 2 + 3 = 5 > 4
    expect(llmD(request24, makeContext(workers, [24, 0])).workerId).toBe(0);
    // with prefixWeight 1: 3 < 4
    expect(createLlmD({ prefixWeight: 1 })(request24, makeContext(workers, [24, 0])).workerId).toBe(1);
    // with queueWeight 0 and kvCacheWeight 0 the prefix alone decides
    expect(createLlmD({ queueWeight: 0, kvCacheWeight: 0 })(request24, makeContext(workers, [1, 0])).workerId).toBe(0);
  });

  it('draws ties uniformly in id order: 0.99 → the last tied worker', () => {
    const workers = makeWorkers([{}, { waiting: 1 }, {}, {}]);
    const pick = (draw: number) => llmD(request24, makeContext(workers, [0, 0, 0, 0], { draws: [draw] }));
    expect(pick(0.99).workerId).toBe(3);
    expect(pick(0).workerId).toBe(0);
    expect(pick(0.5).workerId).toBe(2);
    expect(pick(0.99).reason).toContain('; 3 tied, drew #3');
  });

  it('draws only when there is a tie', () => {
    let calls = 0;
    const random = () => (calls++, 0.5);
    expect(maxWithRandomTies([1, 3, 2], random)).toEqual({ row: 1, tied: 1, pick: 0 });
    expect(calls).toBe(0);
    expect(maxWithRandomTies([3, 1, 3], random)).toEqual({ row: 2, tied: 2, pick: 1 });
    expect(calls).toBe(1);
  });

  it('leaves dead workers out of the choice and out of the queue range', () => {
    // alive queues 2..4 (the dead worker's 0 not counted): worker 1 gets queue 1
    const workers = makeWorkers([{ alive: false, waiting: 0 }, { waiting: 2 }, { waiting: 4 }]);
    const choice = llmD(request24, makeContext(workers, [24, 0, 0]));
    expect(choice.workerId).toBe(1);
    expect(choice.reason).toContain('= 2 × queue 1 + 2 × kv 1 + 3 × prefix 0 (waiting 2 in 2..4');
  });

  it('throws NoWorkerAliveError when every worker is down', () => {
    expect(() => llmD(request24, makeContext(makeWorkers([{ alive: false }])))).toThrow(NoWorkerAliveError);
  });

  it('validates its options, naming every bad field', () => {
    expect(() => createLlmD({ queueWeight: -1 })).toThrow(RoutingOptionError);
    expect(() => createLlmD({ kvCacheWeight: Number.NaN, prefixWeight: Infinity })).toThrow(
      'invalid llm-d options: kvCacheWeight = NaN (finite, ≥ 0), prefixWeight = Infinity (finite, ≥ 0)',
    );
  });
});
