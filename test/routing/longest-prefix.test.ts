import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { longestPrefix } from '../../src/routing/longest-prefix.ts';
import { RouterView } from '../../src/routing/router-view.ts';
import { chain, makeContext, makeRequest, makeWorkers } from './factories.ts';

describe('longestPrefix', () => {
  it('takes the worker with the most matched leading blocks, whatever its load', () => {
    const workers = makeWorkers([{}, { inFlight: 30, outstandingMs: 9000 }, {}]);
    const choice = longestPrefix(makeRequest('r', chain('a', 24)), makeContext(workers, [3, 12, 0]));
    expect(choice).toEqual({ workerId: 1, rule: 'longest-prefix', reason: 'longest match 12/24 blocks on worker 1 (30 in flight)' });
  });

  it('breaks ties by the tie rule, not by the lowest id', () => {
    const workers = makeWorkers([{ inFlight: 2 }, { inFlight: 1, sent: 5 }, { inFlight: 1, sent: 4 }]);
    expect(longestPrefix(makeRequest('r', chain('a', 4)), makeContext(workers, [4, 4, 4])).workerId).toBe(2);
  });

  it('piles every request onto one worker when all share a first block (its known failure)', () => {
    const view = new RouterView({ workers: 4, mode: 'approx', latency: DEFAULT_LATENCY });
    const chosen = Array.from({ length: 20 }, (_, i) => {
      // A shared first block (the system prompt), then blocks of the request's own.
      const request = makeRequest(`r${i}`, [...chain('system', 1), ...chain(`own${i}-`, 7)]);
      const choice = longestPrefix(request, view.context(request, i));
      view.onRouted(request, choice.workerId, i);
      return choice.workerId;
    });
    expect(new Set(chosen), 'everything on the worker that served the first request').toEqual(new Set([0]));
  });
});
