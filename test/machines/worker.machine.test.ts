import { describe, expect, it } from 'vitest';
import { createDummyTokenSource } from '../../src/model/dummy.ts';
import { makeWorker, prompt, request } from './worker-harness.ts';

describe('worker machine: the timing contract', () => {
  it('finishes a request alone on an idle worker at exactly 5 + 2.5 × blocks + 15 × tokens ms', () => {
    const w = makeWorker();
    w.send(request('a', 100, 10)); // 100 tokens: 7 blocks to compute (6 full + a partial)
    w.run();
    expect(w.completedAt('a')).toBe(5 + 2.5 * 7 + 15 * 10);
    expect(w.of('REQUEST.PREFILLED', 'a')[0]?.at).toBe(5 + 2.5 * 7);
    expect(w.tokensOf('a')[0]?.[1]).toBe(5 + 2.5 * 7 + 15); // TTFT: prefill end + one decode step
    expect(w.tokensOf('a').map(([, at]) => at)).toEqual(Array.from({ length: 10 }, (_, i) => 22.5 + 15 * (i + 1)));
  });

  it('serves an identical request after it faster by exactly 2.5 ms × its cached blocks', () => {
    const w = makeWorker();
    const spec = request('first', 100, 10);
    w.send(spec);
    w.run();
    const start = w.clock.now();
    w.send({ ...spec, id: 'second' }, start);
    w.run();
    const admitted = w.of('REQUEST.ADMITTED', 'second')[0];
    expect(admitted).toMatchObject({ cachedBlocks: 6, computedBlocks: 1 });
    expect(w.completedAt('second')! - start).toBe(5 + 2.5 * 7 + 15 * 10 - 2.5 * 6);
  });

  it('decodes two requests that arrive together in one batch', () => {
    const w = makeWorker();
    w.send(request('a', 32, 5));
    w.send(request('b', prompt(48, 1), 5));
    w.run();
    const [admitA, admitB] = [w.of('REQUEST.ADMITTED', 'a')[0]!, w.of('REQUEST.ADMITTED', 'b')[0]!];
    expect(admitA.at).toBe(0);
    expect(admitB.at).toBe(0);
    const prefillEnd = 5 + 2.5 * (2 + 3);
    expect(w.tokensOf('a').map(([, at]) => at)).toEqual(w.tokensOf('b').map(([, at]) => at));
    expect(w.completedAt('a')).toBe(prefillEnd + 15 * 5);
    expect(w.completedAt('b')).toBe(prefillEnd + 15 * 5);
  });

  it('runs a waiting request’s prefill before the next decode step', () => {
    const w = makeWorker();
    w.send(request('long', 16, 20));
    w.send(request('late', prompt(16, 2), 3), 50); // arrives during a decode segment
    w.run();
    const firstPrefillEnd = 5 + 2.5;
    // 50 lies inside the step [37.5, 52.5): the segment is cut at 52.5, where `late` is admitted.
    expect(w.of('REQUEST.ADMITTED', 'late')[0]?.at).toBe(firstPrefillEnd + 15 * 3);
    const longTimes = w.tokensOf('long').map(([, at]) => at);
    // `long` pauses for the 7.5 ms prefill step of `late`.
    expect(longTimes.slice(0, 4)).toEqual([22.5, 37.5, 52.5, 52.5 + 7.5 + 15]);
    expect(w.completedAt('long')).toBe(7.5 + 15 * 20 + 7.5);
  });

  it('preempts the most recently admitted sequence when a block is short, and completes every request', () => {
    const w = makeWorker({ capacity: 6 });
    // Three 2-block prompts fill 6 blocks; growth then needs blocks that only preemption frees.
    for (const [i, id] of ['a', 'b', 'c'].entries()) w.send(request(id, prompt(32, i), 20));
    w.run();
    const preempted = w.of('REQUEST.PREEMPTED').map((m) => m.requestId);
    expect(preempted[0]).toBe('c');
    for (const id of ['a', 'b', 'c']) {
      expect(w.of('REQUEST.COMPLETED', id), id).toHaveLength(1);
      expect(w.tokensOf(id), id).toHaveLength(20);
    }
    w.pool.checkInvariants();
    expect(w.pool.usage().used).toBe(0);
  });

  it('keeps a preempted request’s tokens: it resumes where it stopped after recomputing', () => {
    const w = makeWorker({ capacity: 6 });
    // 24-token prompts: two blocks each with room for 8 tokens; the 9th step needs 3 new blocks.
    for (const [i, id] of ['a', 'b', 'c'].entries()) w.send(request(id, prompt(24, i), 20));
    w.run();
    expect(w.of('REQUEST.PREEMPTED', 'c')[0]?.at).toBe(5 + 2.5 * 6 + 15 * 9);
    const offsets = w.of('REQUEST.TOKENS', 'c').map((m) => m.offset);
    expect(offsets[0]).toBe(0);
    expect(new Set(w.tokensOf('c').map(([, at]) => at)).size).toBe(20); // no token emitted twice
    const readmission = w.of('REQUEST.ADMITTED', 'c')[1];
    expect(readmission?.promptTokens).toBe(24 + 8); // the prompt plus what it had generated
  });

  it('rejects a prompt that can never fit, with a reason naming the numbers', () => {
    const w = makeWorker({ capacity: 10 });
    w.send(request('huge', 10 * 16, 1));
    w.send(request('long-output', 16 * 5, 16 * 6));
    w.run();
    expect(w.of('REQUEST.REJECTED', 'huge')[0]).toMatchObject({
      code: 'too-large',
      reason: 'prompt needs 10 blocks + 1 to grow; a worker has 10',
    });
    expect(w.of('REQUEST.REJECTED', 'long-output')[0]?.reason).toBe('prompt 80 + max tokens 96 need 11 blocks; a worker has 10');
  });

  it('rejects a request over the context limit', () => {
    const w = makeWorker({ maxContextTokens: 100 });
    w.send(request('x', 90, 20));
    w.run();
    expect(w.of('REQUEST.REJECTED', 'x')[0]).toMatchObject({ code: 'context-limit' });
  });

  it('ends a sequence at end-of-text unless the request ignores it', () => {
    const tokens = createDummyTokenSource({ seed: 3, eosProbability: 0.2 });
    const w = makeWorker({ tokens });
    w.send(request('stops', 16, 200));
    w.send(request('ignores', prompt(16, 9), 30, { ignoreEos: true }));
    w.run();
    const stops = w.of('REQUEST.COMPLETED', 'stops')[0]!;
    expect(stops.finish).toBe('eos');
    expect(stops.outputTokens).toBeLessThan(200);
    expect(w.tokensOf('stops').at(-1)?.[0]).toBe(50256);
    expect(w.of('REQUEST.COMPLETED', 'ignores')[0]).toMatchObject({ finish: 'length', outputTokens: 30 });
  });

  it('registers generated blocks as they fill and announces them at the time of their step', () => {
    const w = makeWorker();
    w.send(request('g', 16, 40)); // 1 prompt block; tokens 16..55 fill blocks 1 and 2
    w.run();
    const stored = w.of('KV.STORED');
    expect(stored.map((m) => m.hashes.length)).toEqual([1, 1, 1]);
    // block 1 fills with the 16th generated token, block 2 with the 32nd
    expect(stored.map((m) => m.at)).toEqual([0, 7.5 + 15 * 16, 7.5 + 15 * 32]);
  });

  it('announces its state changes', () => {
    const w = makeWorker();
    w.send(request('a', 16, 2), 10);
    w.run();
    expect(w.of('WORKER.STATE').map((m) => [m.state, m.at])).toEqual([
      ['prefill', 10],
      ['decode', 17.5],
      ['idle', 47.5],
    ]);
  });
});
