import { describe, expect, it } from 'vitest';
import { BlockPool } from '../../src/cache/block-pool.ts';
import { latencyModel } from '../../src/latency-model.ts';
import type { Message, RequestRouted } from '../../src/messages.ts';
import { createDummyTokenSource } from '../../src/model/dummy.ts';
import { WorkerEngine } from '../../src/machines/worker-engine.ts';
import { hasher, prompt, request } from './worker-harness.ts';

/** An engine driven by hand: `t` is its clock. */
function makeEngine(capacity = 100) {
  const clock = { t: 0 };
  const messages: Message[] = [];
  const engine = new WorkerEngine({
    id: 0,
    pool: new BlockPool({ capacity }),
    hasher,
    latency: latencyModel(),
    tokens: createDummyTokenSource({ seed: 2 }),
    now: () => clock.t,
    publish: (m) => messages.push(m),
  });
  const route = (id: string, promptTokens: number, maxTokens: number): RequestRouted => {
    const spec = request(id, prompt(promptTokens, id.charCodeAt(0)), maxTokens); // distinct prompts
    return { type: 'REQUEST.ROUTED', at: clock.t, request: spec, hashes: hasher.hashBlocks(spec.prompt), decision: { workerId: 0, rule: 't', reason: 't', predictedBlocks: 0 } };
  };
  /** Admits `id` and runs its prefill, leaving the engine ready to decode at clock.t. */
  const admit = (id: string, promptTokens: number, maxTokens: number) => {
    engine.accept(route(id, promptTokens, maxTokens));
    engine.startPrefill();
    clock.t += engine.prefillRemainingMs();
    engine.finishPrefill();
  };
  return { clock, engine, messages, admit, route };
}

describe('WorkerEngine', () => {
  it('plans a segment up to the earliest completion', () => {
    const { clock, engine, admit } = makeEngine();
    admit('a', 20, 30);
    engine.startSegment();
    expect(engine.segmentRemainingMs()).toBe(15 * 30);
    clock.t += 15 * 30;
    engine.finishSegment();
    expect(engine.hasRunning()).toBe(false);
  });

  it('ends a segment at the first step that may lack a block', () => {
    const { engine, admit } = makeEngine(6);
    admit('a', 32, 20); // 2 full blocks: its 1st and 17th tokens each need a new block
    admit('b', 24, 20); // 2 blocks with room for 8: its 9th token needs a new block
    // 2 free blocks: step 1 takes one (a), step 9 the other (b), step 17 finds none (a).
    engine.startSegment();
    expect(engine.segmentRemainingMs()).toBe(15 * 17);
  });

  it('says KV events are due exactly when a step that fills or takes a block is over', () => {
    const { clock, engine, admit } = makeEngine();
    admit('a', 20, 100); // 20 tokens: the 12th generated token fills block 1 (32 tokens)
    engine.startSegment();
    const start = clock.t;
    clock.t = start + 15 * 11;
    expect(engine.hasKvEventsDue()).toBe(false);
    clock.t = start + 15 * 12 - 0.5;
    expect(engine.hasKvEventsDue()).toBe(false);
    clock.t = start + 15 * 12;
    expect(engine.hasKvEventsDue()).toBe(true);
  });

  it('processes steps already over on sync, announcing their blocks at their own times', () => {
    const { clock, engine, admit, messages } = makeEngine();
    admit('a', 20, 100);
    engine.startSegment();
    const start = clock.t;
    clock.t = start + 15 * 13;
    engine.sync();
    const stored = messages.filter((m) => m.type === 'KV.STORED');
    expect(stored.at(-1)?.at).toBe(start + 15 * 12);
    expect(engine.hasKvEventsDue()).toBe(false);
  });

  it('cuts a segment at the next step boundary for an arrival, never before steps already processed', () => {
    const { clock, engine, admit } = makeEngine();
    admit('a', 20, 100);
    engine.startSegment();
    const start = clock.t;
    clock.t = start + 15 * 13;
    engine.sync(); // 13 steps processed
    clock.t = start + 15 * 13 + 4;
    engine.cutSegment();
    expect(engine.segmentRemainingMs()).toBe(11); // ends at step 14
  });
});
