import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { DuplicateRequestError } from '../../src/routing/errors.ts';
import { LoadTracker } from '../../src/routing/load-tracker.ts';

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
