// What the worker engine tells a token source beyond `next`: each sequence's last length (so a
// model source may compute it ahead without waste) and, when a request is queued, that it will
// ask (so its prefill may join the forwards that run before it is admitted).

import { describe, expect, it } from 'vitest';
import { BlockPool } from '../../src/cache/block-pool.ts';
import { latencyModel } from '../../src/latency-model.ts';
import type { RequestRouted } from '../../src/messages.ts';
import { createDummyTokenSource } from '../../src/model/dummy.ts';
import type { SequenceTokens, TokenSource } from '../../src/model/token-source.ts';
import { WorkerEngine } from '../../src/machines/worker-engine.ts';
import { hasher, prompt, request } from '../machines/worker-harness.ts';

/** An engine over a dummy source that records what it is told. */
function makeEngine() {
  const clock = { t: 0 };
  const dummy = createDummyTokenSource({ seed: 4 });
  const told = { expected: [] as { id: string; tokens: number; lastLength: number | undefined }[], asked: [] as { id: string; lastLength: number | undefined }[] };
  const source: TokenSource = {
    name: 'recording',
    eosTokenId: null,
    expect: (s: SequenceTokens) => told.expected.push({ id: s.requestId, tokens: s.tokens.length, lastLength: s.lastLength }),
    next: (batch) => {
      for (const s of batch) told.asked.push({ id: s.requestId, lastLength: s.lastLength });
      return dummy.next(batch);
    },
  };
  const engine = new WorkerEngine({ id: 0, pool: new BlockPool({ capacity: 100 }), hasher, latency: latencyModel(), tokens: source, now: () => clock.t, publish: () => {} });
  const route = (id: string, promptTokens: number, maxTokens: number): RequestRouted => {
    const spec = request(id, prompt(promptTokens, id.charCodeAt(0)), maxTokens);
    return { type: 'REQUEST.ROUTED', at: clock.t, request: spec, hashes: hasher.hashBlocks(spec.prompt), decision: { workerId: 0, rule: 't', reason: 't', predictedBlocks: 0 } };
  };
  return { clock, engine, route, told };
}

describe('WorkerEngine → TokenSource hints', () => {
  it('expects a request when it is queued, with its prompt and its last length (prompt + maxTokens)', () => {
    const { engine, route, told } = makeEngine();
    engine.accept(route('a', 20, 30));
    engine.accept(route('b', 7, 5));
    expect(told.expected).toEqual([
      { id: 'a', tokens: 20, lastLength: 50 },
      { id: 'b', tokens: 7, lastLength: 12 },
    ]);
  });

  it('sends each running sequence with its last length', () => {
    const { clock, engine, route, told } = makeEngine();
    engine.accept(route('a', 20, 30));
    engine.startPrefill();
    clock.t += engine.prefillRemainingMs();
    engine.finishPrefill();
    engine.startSegment();
    expect(told.asked.length, 'the segment asked for its tokens').toBe(30);
    expect(new Set(told.asked.map((a) => `${a.id}:${a.lastLength}`))).toEqual(new Set(['a:50']));
  });
});
