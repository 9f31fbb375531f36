import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { NoWorkerAliveError } from '../../src/routing/errors.ts';
import { roundRobin } from '../../src/routing/round-robin.ts';
import { RouterView } from '../../src/routing/router-view.ts';
import { makeContext, makeRequest, makeWorkers } from './factories.ts';

/** Routes `n` requests through a view with roundRobin; returns the chosen worker ids. */
const cycle = (view: RouterView, n: number, from = 0): number[] =>
  Array.from({ length: n }, (_, i) => {
    const request = makeRequest(`r${from + i}`, []);
    const choice = roundRobin(request, view.context(request, 0));
    view.onRouted(request, choice.workerId, 0);
    return choice.workerId;
  });

describe('roundRobin', () => {
  it('cycles over the workers in id order', () => {
    const view = new RouterView({ workers: 3, mode: 'events', latency: DEFAULT_LATENCY });
    expect(cycle(view, 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('cycles over the alive workers only', () => {
    const view = new RouterView({ workers: 4, mode: 'events', latency: DEFAULT_LATENCY });
    view.onWorkerDown(1);
    expect(cycle(view, 6)).toEqual([0, 2, 3, 0, 2, 3]);
  });

  it('is the (Σ sent) mod (alive count)-th alive worker, and says so', () => {
    const workers = makeWorkers([{ sent: 3 }, { alive: false, sent: 2 }, { sent: 2 }]);
    const choice = roundRobin(makeRequest('r', []), makeContext(workers));
    expect(choice).toEqual({ workerId: 2, rule: 'round-robin', reason: 'Σ sent 7 mod 2 alive = 1 → worker 2' });
  });

  it('throws NoWorkerAliveError when every worker is down', () => {
    expect(() => roundRobin(makeRequest('r', []), makeContext(makeWorkers([{ alive: false }])))).toThrow(NoWorkerAliveError);
  });
});
