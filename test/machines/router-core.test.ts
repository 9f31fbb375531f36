import { describe, expect, it } from 'vitest';
import { ChainHasher } from '../../src/cache/hash.ts';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { RouterCore } from '../../src/machines/router-core.ts';
import type { Message, RequestSpec } from '../../src/messages.ts';
import { longestPrefix } from '../../src/routing/longest-prefix.ts';
import { RouterView } from '../../src/routing/router-view.ts';
import type { Strategy } from '../../src/routing/types.ts';

const spec = (id: string, prompt = Array.from({ length: 40 }, (_, i) => i)): RequestSpec => ({ id, prompt, maxTokens: 4 });

function core(strategy: Strategy = longestPrefix, workers = 3) {
  const published: Message[] = [];
  const view = new RouterView({ workers, mode: 'events', latency: DEFAULT_LATENCY });
  const hasher = new ChainHasher();
  const router = new RouterCore({ view, strategy, hasher, now: () => 7, publish: (m) => published.push(m) });
  return { router, view, hasher, published };
}

describe('RouterCore', () => {
  it('hashes a submitted request, asks the strategy and publishes the decision with the blocks it believed cached', () => {
    const { router, hasher, published } = core();
    const hashes = hasher.hashBlocks(spec('a').prompt);
    router.observe({ type: 'KV.STORED', at: 0, workerId: 2, parent: null, hashes: hashes.slice(0, 2) });
    router.route({ type: 'REQUEST.SUBMITTED', at: 7, request: spec('a') });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ type: 'REQUEST.ROUTED', at: 7, hashes, decision: { workerId: 2, predictedBlocks: 2 } });
    expect(router.routedCount).toBe(1);
  });

  it('rejects a prompt without tokens, and any request when no worker is alive', () => {
    const { router, published } = core();
    router.route({ type: 'REQUEST.SUBMITTED', at: 7, request: spec('empty', []) });
    for (const id of [0, 1, 2]) router.observe({ type: 'WORKER.DOWN', at: 7, workerId: id, reason: 'killed' });
    router.route({ type: 'REQUEST.SUBMITTED', at: 7, request: spec('b') });
    expect(published.map((m) => (m.type === 'REQUEST.REJECTED' ? [m.requestId, m.code] : m.type))).toEqual([['empty', 'invalid'], ['b', 'no-worker']]);
    expect(router.routedCount).toBe(0);
  });

  it('routes a lost request again away from the worker that lost it, and fails it with both reasons when none is left', () => {
    const { router, published } = core(longestPrefix, 2);
    router.route({ type: 'REQUEST.SUBMITTED', at: 7, request: spec('a') });
    const first = published[0] as Extract<Message, { type: 'REQUEST.ROUTED' }>;
    router.retry({ type: 'REQUEST.RETRY', at: 7, requestId: 'a', workerId: first.decision.workerId, request: spec('a'), reason: 'worker down' });
    const second = published[1] as Extract<Message, { type: 'REQUEST.ROUTED' }>;
    expect(second.type).toBe('REQUEST.ROUTED');
    expect(second.decision.workerId).not.toBe(first.decision.workerId);
    router.retry({ type: 'REQUEST.RETRY', at: 7, requestId: 'a', workerId: second.decision.workerId, request: spec('a'), reason: 'worker down again' });
    expect(published[2]).toMatchObject({ type: 'REQUEST.FAILED', requestId: 'a', workerId: second.decision.workerId });
    expect((published[2] as { reason: string }).reason).toMatch(/^worker down again; /);
  });

  it('forgets a worker\'s blocks when it clears them, so the next decision predicts none there', () => {
    const { router, hasher, published } = core();
    router.observe({ type: 'KV.STORED', at: 0, workerId: 1, parent: null, hashes: hasher.hashBlocks(spec('a').prompt) });
    router.observe({ type: 'KV.CLEARED', at: 1, workerId: 1 });
    router.route({ type: 'REQUEST.SUBMITTED', at: 7, request: spec('a') });
    expect((published[0] as Extract<Message, { type: 'REQUEST.ROUTED' }>).decision.predictedBlocks).toBe(0);
  });

  it('rejects the request of a strategy that chooses a worker that does not exist, or throws, naming why', () => {
    const { router, published } = core(() => ({ workerId: 9, rule: 'custom', reason: 'a typo' }));
    router.route({ type: 'REQUEST.SUBMITTED', at: 7, request: spec('a') });
    expect(published[0]).toMatchObject({ type: 'REQUEST.REJECTED', requestId: 'a', code: 'strategy-error' });
    expect((published[0] as { reason: string }).reason).toMatch(/^the strategy failed: strategy chose worker 9/);
    const throwing = core(() => {
      throw new RangeError('no such worker');
    });
    throwing.router.route({ type: 'REQUEST.SUBMITTED', at: 7, request: spec('b') });
    expect(throwing.published[0]).toMatchObject({ type: 'REQUEST.REJECTED', code: 'strategy-error', reason: 'the strategy failed: no such worker' });
    expect(throwing.router.routedCount).toBe(0);
  });
});
