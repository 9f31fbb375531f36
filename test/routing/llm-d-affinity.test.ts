import { describe, expect, it } from 'vitest';
import { NoWorkerAliveError, RoutingOptionError } from '../../src/routing/errors.ts';
import { createLlmDAffinity, LLM_D_AFFINITY_DEFAULTS } from '../../src/routing/llm-d-affinity.ts';
import type { RouteRequest } from '../../src/routing/types.ts';
import { chain, makeContext, makeRequest, makeWorkers } from './factories.ts';

const affinity = createLlmDAffinity();
const request5 = makeRequest('r', chain('a', 5)); // 80 tokens
const request20 = makeRequest('r', chain('a', 20));

describe('createLlmDAffinity', () => {
  it("has the guide's threshold and the token-load scorer's normaliser, and reads KV events", () => {
    expect(LLM_D_AFFINITY_DEFAULTS).toEqual({ affinityThreshold: 0.8, queueThresholdTokens: 4_194_304, blockSize: 16 });
    expect(affinity.view).toEqual({ kind: 'events' });
  });

  it('keeps a worker whose prefix score is exactly 0.80, however loaded, and says why', () => {
    const workers = makeWorkers([{ uncachedTokens: 100_000 }, {}]);
    expect(affinity(request5, makeContext(workers, [4, 3]))).toEqual({
      workerId: 0,
      rule: 'affinity',
      reason: 'prefix ≥ 0.8 on 1 of 2 alive workers; worker 0 (matched 4/5): score 0.976154 = 1 − min(1, (100000 + 16) / 4194304)',
    });
  });

  it('drops a worker just under 0.80', () => {
    // 16/20 = 0.80 passes; 15/20 = 0.75 does not
    const workers = makeWorkers([{ uncachedTokens: 5_000 }, {}]);
    expect(affinity(request20, makeContext(workers, [16, 0])).rule).toBe('affinity');
    const below = affinity(request20, makeContext(workers, [15, 0]));
    expect([below.workerId, below.rule]).toEqual([1, 'token-load']);
  });

  it('keeps every alive worker when none passes, and takes the least uncached work', () => {
    const workers = makeWorkers([{ uncachedTokens: 40 }, {}]);
    // worker 0: 40 + (80 − 2 × 16) = 88; worker 1: 0 + 80 = 80
    expect(affinity(request5, makeContext(workers, [2, 0]))).toEqual({
      workerId: 1,
      rule: 'token-load',
      reason: 'no alive worker has prefix ≥ 0.8 (best 2/5 blocks); worker 1 (matched 0/5): score 0.999981 = 1 − min(1, (0 + 80) / 4194304)',
    });
    // with less in flight on worker 0 (30 + 48 = 78 < 80), its match tips it
    expect(affinity(request5, makeContext(makeWorkers([{ uncachedTokens: 30 }, {}]), [2, 0])).workerId).toBe(0);
  });

  it('among the sticky workers, takes the one with the fewest uncached tokens in flight', () => {
    const workers = makeWorkers([{ uncachedTokens: 1_000 }, { uncachedTokens: 200 }, {}]);
    const choice = affinity(request5, makeContext(workers, [5, 5, 0]));
    expect([choice.workerId, choice.rule]).toEqual([1, 'affinity']);
    expect(choice.reason).toContain('prefix ≥ 0.8 on 2 of 3 alive workers');
  });

  it("floors this request's uncached tokens at 0", () => {
    // 40 prompt tokens but 3 matched blocks (48 tokens): its own uncached tokens are 0, not −8
    const request: RouteRequest = { id: 'r', hashes: chain('a', 3), promptTokens: 40, maxTokens: 10 };
    const workers = makeWorkers([{ uncachedTokens: 10 }, {}]);
    // threshold 0.5 keeps both; worker 0: 10 + 0 = 10 (unfloored 2); worker 1: 0 + (40 − 32) = 8
    const choice = createLlmDAffinity({ affinityThreshold: 0.5 })(request, makeContext(workers, [3, 2]));
    expect(choice.workerId).toBe(1);
    expect(affinity(request, makeContext(workers, [3, 0])).reason).toContain('(10 + 0) / 4194304');
  });

  it('saturates at queueThresholdTokens: workers beyond it tie at score 0, drawn at random', () => {
    const workers = makeWorkers([{ uncachedTokens: 5_000_000 }, { uncachedTokens: 4_194_304 }]);
    const pick = (draw: number) => affinity(request5, makeContext(workers, [0, 0], { draws: [draw] }));
    expect(pick(0.99).workerId).toBe(1);
    expect(pick(0).workerId).toBe(0);
    expect(pick(0.99).reason).toContain('score 0 = 1 − min(1, (4194304 + 80) / 4194304); 2 tied, drew #2');
    // a larger normaliser separates them
    expect(createLlmDAffinity({ queueThresholdTokens: 10_000_000 })(request5, makeContext(workers, [0, 0], { draws: [0] })).workerId).toBe(1);
  });

  it('draws ties uniformly in id order: 0.99 → the last tied worker', () => {
    const workers = makeWorkers([{}, {}, { uncachedTokens: 1 }, {}]);
    const pick = (draw: number) => affinity(request5, makeContext(workers, [5, 5, 5, 5], { draws: [draw] })).workerId;
    expect([pick(0), pick(0.5), pick(0.99)]).toEqual([0, 1, 3]);
  });

  it('never keeps a dead worker, even one holding the whole prompt', () => {
    const workers = makeWorkers([{ alive: false }, { uncachedTokens: 50 }, {}]);
    const choice = affinity(request5, makeContext(workers, [5, 0, 0]));
    expect([choice.workerId, choice.rule]).toEqual([2, 'token-load']);
    expect(choice.reason).toContain('no alive worker has prefix ≥ 0.8 (best 0/5 blocks)');
  });

  it('throws NoWorkerAliveError when every worker is down', () => {
    expect(() => affinity(request5, makeContext(makeWorkers([{ alive: false }, { alive: false }])))).toThrow(NoWorkerAliveError);
  });

  it('validates its options, naming every bad field', () => {
    expect(() => createLlmDAffinity({ affinityThreshold: 1.5 })).toThrow(RoutingOptionError);
    expect(() => createLlmDAffinity({ affinityThreshold: -0.1, queueThresholdTokens: 0, blockSize: 2.5 })).toThrow(
      'invalid llm-d-affinity options: affinityThreshold = -0.1 (0..1), queueThresholdTokens = 0 (finite, > 0), blockSize = 2.5 (integer ≥ 1)',
    );
  });
});
