import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { DuplicateRequestError, RoutingOptionError, UnknownWorkerError } from '../../src/routing/errors.ts';
import { RouterView, type ViewMode } from '../../src/routing/router-view.ts';
import { chain, makeRequest } from './factories.ts';

const makeView = (mode: ViewMode = 'events', workers = 3) => new RouterView({ workers, mode, latency: DEFAULT_LATENCY });

/** The matched counts a strategy would see for these hashes. */
const matched = (view: RouterView, hashes: ReturnType<typeof chain>, now = 0) => [...view.context(makeRequest('probe', hashes), now).matched];

describe('RouterView: the two views of what a worker holds', () => {
  it("'events': only KV events change the index, routing does not", () => {
    const view = makeView('events');
    view.onRouted(makeRequest('r1', chain('a', 8)), 1, 0);
    expect(matched(view, chain('a', 8)), 'routing alone predicts nothing').toEqual([0, 0, 0]);
    view.onKvStored(1, chain('a', 8));
    expect(matched(view, chain('a', 8))).toEqual([0, 8, 0]);
    view.onKvRemoved(1, chain('a', 1, 5)); // a5 evicted
    expect(matched(view, chain('a', 8)), 'an evicted block ends the match').toEqual([0, 5, 0]);
    view.onKvCleared(1);
    expect(matched(view, chain('a', 8))).toEqual([0, 0, 0]);
  });

  it("'approx': every prompt block sent to a worker is assumed there, and never evicted", () => {
    const view = makeView('approx');
    view.onRouted(makeRequest('r1', chain('a', 8)), 1, 0);
    expect(matched(view, chain('a', 10))).toEqual([0, 8, 0]);
    view.onFinished('r1', 100);
    expect(matched(view, chain('a', 10)), 'finishing does not forget the blocks').toEqual([0, 8, 0]);
  });

  it("'approx' ignores KV events: it still predicts blocks the worker removed", () => {
    const view = makeView('approx');
    view.onRouted(makeRequest('r1', chain('a', 8)), 1, 0);
    view.onKvRemoved(1, chain('a', 8));
    view.onKvCleared(1);
    view.onKvStored(2, chain('a', 8));
    expect(matched(view, chain('a', 8)), 'the over-prediction the events view avoids').toEqual([0, 8, 0]);
  });

  it('the predicted match on the chosen worker shortens the prefill estimate', () => {
    const view = makeView('approx');
    view.onRouted(makeRequest('first', chain('a', 24), 1), 0, 0);
    view.onRouted(makeRequest('again', chain('a', 24), 1), 0, 0);
    // first: 5 + 2.5 × 24 = 65 ms; again: all 24 predicted cached, 5 ms; decode 15 ms (max, not sum).
    expect(view.outstandingMs(0, 0)).toBe(65 + 5 + 15);
  });
});

describe('RouterView: load bookkeeping', () => {
  it('counts in flight and sent per worker', () => {
    const view = makeView();
    view.onRouted(makeRequest('r1', []), 0, 0);
    view.onRouted(makeRequest('r2', []), 0, 0);
    view.onRouted(makeRequest('r3', []), 2, 0);
    view.onFinished('r1', 10);
    expect(view.loads(10).map((w) => [w.inFlight, w.sent])).toEqual([
      [1, 2],
      [0, 0],
      [1, 1],
    ]);
    expect(view.inFlightTotal).toBe(2);
  });

  it('ignores and counts finishes and prefills of unknown ids', () => {
    const view = makeView();
    view.onFinished('never-sent', 0);
    view.onPrefilled('never-sent', 0);
    view.onRouted(makeRequest('r1', []), 0, 0);
    view.onFinished('r1', 1);
    view.onFinished('r1', 2);
    expect([view.unknownFinishes, view.unknownPrefills]).toEqual([2, 1]);
    expect(view.loads(2)[0]!.inFlight).toBe(0);
  });

  it('refuses to route a request that is still in flight', () => {
    const view = makeView();
    view.onRouted(makeRequest('r1', []), 0, 0);
    expect(() => view.onRouted(makeRequest('r1', []), 1, 0)).toThrow(DuplicateRequestError);
    view.onFinished('r1', 5);
    expect(() => view.onRouted(makeRequest('r1', []), 1, 5), 'a finished id may be routed again').not.toThrow();
  });

  it('rejects unknown workers and bad options', () => {
    const view = makeView('events', 3);
    expect(() => view.onRouted(makeRequest('r1', []), 3, 0)).toThrow(UnknownWorkerError);
    expect(() => view.onKvStored(-1, chain('a', 1))).toThrow('worker ids are integers 0..2');
    expect(() => new RouterView({ workers: 0, mode: 'events', latency: DEFAULT_LATENCY })).toThrow(RoutingOptionError);
    expect(() => new RouterView({ workers: 2, mode: 'exact' as ViewMode, latency: DEFAULT_LATENCY })).toThrow("valid: events, approx");
  });
});

describe('RouterView: outstanding work estimate (default latency model)', () => {
  // A 24-block request with 12 blocks predicted cached on worker 0, 100 tokens to generate.
  const setUp = () => {
    const view = makeView('events');
    view.onKvStored(0, chain('a', 12));
    view.onRouted(makeRequest('r1', chain('a', 24), 100), 0, 0);
    return view;
  };

  it('before prefill: 5 + 2.5 × 12 = 35 ms prefill + 15 × 100 = 1500 ms decode', () => {
    expect(setUp().outstandingMs(0, 0)).toBe(35 + 1500);
  });

  it('after prefill at t = 35, the decode remainder: 1000 ms at t = 535, 0 once past its end', () => {
    const view = setUp();
    view.onPrefilled('r1', 35);
    expect(view.outstandingMs(0, 35)).toBe(1500);
    expect(view.outstandingMs(0, 535)).toBe(1000);
    expect(view.outstandingMs(0, 2000), 'a late request costs nothing more, never negative').toBe(0);
  });

  it('decode remainders combine by max (batched), prefills by sum', () => {
    const view = setUp();
    view.onPrefilled('r1', 35); // decode ends at 1535
    view.onRouted(makeRequest('r2', chain('b', 24), 50), 0, 100); // 5 + 2.5 × 24 = 65 ms; 750 ms decode
    expect(view.outstandingMs(0, 535)).toBe(65 + Math.max(1000, 750));
    view.onFinished('r1', 600);
    expect(view.outstandingMs(0, 600), 'the finished request drops its remainder').toBe(65 + 750);
    view.onPrefilled('r2', 665);
    expect(view.outstandingMs(0, 665)).toBe(750);
    view.onFinished('r2', 1415);
    expect(view.outstandingMs(0, 1415)).toBe(0);
  });

  it('a request finished before its prefill drops both parts', () => {
    const view = setUp();
    view.onRouted(makeRequest('r2', chain('b', 4), 10), 0, 0); // 15 ms prefill, 150 ms decode
    view.onFinished('r1', 1); // rejected, say
    expect(view.outstandingMs(0, 1)).toBe(15 + 150);
  });

  it('reports the estimate in loads() and context()', () => {
    const view = setUp();
    expect(view.loads(0).map((w) => w.outstandingMs)).toEqual([1535, 0, 0]);
    expect(view.context(makeRequest('next', chain('a', 24)), 0).workers.map((w) => w.outstandingMs)).toEqual([1535, 0, 0]);
  });
});

describe('RouterView: context()', () => {
  it('gives matched blocks and loads indexed by worker id, at the given time', () => {
    const view = makeView('events');
    view.onKvStored(2, chain('a', 3));
    view.onRouted(makeRequest('r1', []), 1, 0);
    const ctx = view.context(makeRequest('q', chain('a', 5)), 42);
    expect(ctx.now).toBe(42);
    expect(ctx.matched).toEqual([0, 0, 3]);
    expect(ctx.workers.map((w) => [w.id, w.alive, w.inFlight, w.sent])).toEqual([
      [0, true, 0, 0],
      [1, true, 1, 1],
      [2, true, 0, 0],
    ]);
  });

  it('reuses its result: it is valid until the next call (loads() gives fresh objects)', () => {
    const view = makeView('events');
    const first = view.context(makeRequest('q', []), 0);
    view.onRouted(makeRequest('r1', []), 0, 0);
    const second = view.context(makeRequest('q', []), 0);
    expect(second).toBe(first);
    expect(first.workers[0]!.inFlight, 'the earlier result now shows the new numbers').toBe(1);
    const kept = view.loads(0);
    view.onFinished('r1', 1);
    expect(kept[0]!.inFlight).toBe(1);
  });
});

describe('RouterView: workers going down and up', () => {
  it('a worker that goes down is not alive, loses its index entries and its in-flight requests', () => {
    const view = makeView('events');
    view.onKvStored(1, chain('a', 4));
    view.onRouted(makeRequest('r1', []), 1, 0);
    view.onRouted(makeRequest('r2', []), 1, 0);
    view.onRouted(makeRequest('r3', []), 0, 0);
    expect(view.onWorkerDown(1), 'the lost requests, in routing order').toEqual(['r1', 'r2']);
    expect(view.isAlive(1)).toBe(false);
    expect(matched(view, chain('a', 4))).toEqual([0, 0, 0]);
    const load = view.loads(0)[1]!;
    expect([load.alive, load.inFlight, load.sent, load.outstandingMs]).toEqual([false, 0, 2, 0]);
    view.onFinished('r1', 5);
    expect(view.unknownFinishes, 'a finish of a forgotten request is counted, not an error').toBe(1);
  });

  it('a worker that comes back up is alive with an empty cache', () => {
    const view = makeView('events');
    view.onWorkerDown(2);
    view.onKvStored(2, chain('a', 2)); // a late event from before the crash
    view.onWorkerUp(2);
    expect(view.isAlive(2)).toBe(true);
    expect(matched(view, chain('a', 2))).toEqual([0, 0, 0]);
    expect(view.context(makeRequest('q', []), 0).workers[2]!.alive).toBe(true);
  });

  it('onWorkerUp of a worker that is already up keeps its cache', () => {
    const view = makeView('events');
    view.onKvStored(0, chain('a', 2));
    view.onWorkerUp(0);
    expect(matched(view, chain('a', 2))).toEqual([2, 0, 0]);
  });
});
