import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { DuplicateRequestError } from '../../src/routing/errors.ts';
import { LoadTracker, type PromptShape } from '../../src/routing/load-tracker.ts';
import { chain } from './factories.ts';

const makeTracker = () => new LoadTracker(2, DEFAULT_LATENCY);

describe('LoadTracker', () => {
  it('estimates prefill from the uncached blocks and decode from max tokens', () => {
    const load = makeTracker();
    load.add('r1', 0, 12, 100); // 5 + 2.5 × 12 = 35 ms; 15 × 100 = 1500 ms
    expect(load.outstandingMs(0, 0)).toBe(1535);
    expect(load.outstandingMs(1, 0)).toBe(0);
  });

  it('tells whether a prefill or a finish was for a known request', () => {
    const load = makeTracker();
    load.add('r1', 1, 0, 1);
    expect([load.prefilled('r1', 5), load.prefilled('nope', 5)]).toEqual([true, false]);
    expect([load.finished('r1'), load.finished('r1')]).toEqual([true, false]);
  });

  it('keeps the first estimate when a request is prefilled twice (after a preemption)', () => {
    const load = makeTracker();
    load.add('r1', 0, 0, 10); // 150 ms decode
    load.prefilled('r1', 5);
    load.prefilled('r1', 100);
    expect(load.outstandingMs(0, 100)).toBe(55);
  });

  it('refuses a request id already in flight', () => {
    const load = makeTracker();
    load.add('r1', 0, 0, 1);
    expect(() => load.add('r1', 1, 0, 1)).toThrow(DuplicateRequestError);
    expect(() => load.add('r1', 1, 0, 1)).toThrow("request 'r1' is already in flight on worker 0");
  });

  it('forget drops a worker\'s requests and estimate but keeps its sent count', () => {
    const load = makeTracker();
    load.add('a', 0, 4, 10);
    load.add('b', 1, 4, 10);
    load.add('c', 0, 4, 10);
    load.prefilled('c', 20);
    expect(load.forget(0)).toEqual(['a', 'c']);
    expect([load.inFlight(0), load.sent(0), load.outstandingMs(0, 20), load.total]).toEqual([0, 2, 0, 1]);
    expect(load.finished('a'), 'a forgotten request is unknown').toBe(false);
  });
});

/** A prompt of these full blocks, `tail` more tokens in a partial block, `uncached` of its tokens predicted uncached. */
const prompt = (hashes: ReturnType<typeof chain>, tail: number, uncached: number): PromptShape => ({
  hashes,
  promptTokens: hashes.length * 16 + tail,
  uncachedTokens: uncached,
  partial: tail > 0,
});

/** [waiting, prefillTokens, uncachedTokens, activeBlocks] of a worker. */
const counts = (load: LoadTracker, worker: number) => [load.waiting(worker), load.prefillTokens(worker), load.uncachedTokens(worker), load.activeBlocks(worker)];

describe('LoadTracker: queue, tokens and blocks (the PromptShape of add)', () => {
  it('counts requests not yet prefilled with their prompt and predicted uncached tokens', () => {
    const load = makeTracker();
    load.add('r1', 0, 4, 10, prompt(chain('a', 4), 6, 38)); // 70 tokens, 2 blocks predicted cached
    load.add('r2', 0, 0, 10, prompt(chain('a', 2), 0, 0)); // 32 tokens, all cached
    load.add('r3', 1, 1, 10, prompt(chain('b', 1), 0, 16));
    expect(counts(load, 0), '4 + 1 tail + 0 new: a0, a1 shared').toEqual([2, 102, 38, 5]);
    expect(counts(load, 1)).toEqual([1, 16, 16, 1]);
  });

  it('a prefill takes a request out of the queue and token sums, but its blocks stay until it finishes', () => {
    const load = makeTracker();
    load.add('r1', 0, 4, 10, prompt(chain('a', 4), 6, 38));
    load.add('r2', 0, 0, 10, prompt(chain('a', 2), 0, 0));
    load.prefilled('r1', 10);
    expect(counts(load, 0)).toEqual([1, 32, 0, 5]);
    load.prefilled('r1', 20);
    expect(counts(load, 0), 'a second prefill changes nothing').toEqual([1, 32, 0, 5]);
    load.finished('r1');
    expect(counts(load, 0)).toEqual([1, 32, 0, 2]);
    load.finished('r2');
    expect(counts(load, 0), 'a finish before its prefill also leaves the queue').toEqual([0, 0, 0, 0]);
  });

  it('newBlocks counts the request\'s blocks that no in-flight request on the worker holds', () => {
    const load = makeTracker();
    load.add('r1', 0, 3, 10, prompt(chain('a', 3), 0, 48));
    expect([load.newBlocks(0, chain('a', 5)), load.newBlocks(1, chain('a', 5))]).toEqual([2, 5]);
    load.prefilled('r1', 5);
    expect(load.newBlocks(0, chain('a', 5)), 'still in flight after its prefill').toBe(2);
    load.finished('r1');
    expect(load.newBlocks(0, chain('a', 5))).toBe(5);
  });

  it('counts a request added without a prompt as empty, but waiting', () => {
    const load = makeTracker();
    load.add('r1', 0, 4, 10);
    expect(counts(load, 0)).toEqual([1, 0, 0, 0]);
    expect(load.newBlocks(0, chain('a', 2))).toBe(2);
  });

  it('forget clears the queue, token sums and blocks of the worker only', () => {
    const load = makeTracker();
    load.add('r1', 0, 4, 10, prompt(chain('a', 4), 1, 65));
    load.add('r2', 0, 4, 10, prompt(chain('a', 4), 0, 64));
    load.prefilled('r2', 5);
    load.add('r3', 1, 2, 10, prompt(chain('a', 2), 0, 32));
    load.forget(0);
    expect(counts(load, 0)).toEqual([0, 0, 0, 0]);
    expect(load.newBlocks(0, chain('a', 4))).toBe(4);
    expect(counts(load, 1)).toEqual([1, 32, 32, 2]);
    load.add('r4', 0, 1, 10, prompt(chain('a', 1), 0, 16));
    expect(counts(load, 0), 'counts start afresh').toEqual([1, 16, 16, 1]);
  });

  it('the token sums are exactly 0 when the last waiting request leaves, whatever rounding did', () => {
    const load = makeTracker();
    load.add('r1', 0, 1, 10, { hashes: [], promptTokens: 0.1, uncachedTokens: 0.1, partial: true });
    load.add('r2', 0, 1, 10, { hashes: [], promptTokens: 0.2, uncachedTokens: 0.2, partial: true });
    load.prefilled('r1', 1);
    load.prefilled('r2', 1);
    expect(counts(load, 0)).toEqual([0, 0, 0, 2]);
  });
});
