import { describe, expect, it } from 'vitest';
import { leastLoaded } from '../../src/routing/least-loaded.ts';
import { makeContext, makeRequest, makeWorkers } from './factories.ts';

describe('leastLoaded', () => {
  it('takes the lowest estimated outstanding work', () => {
    const workers = makeWorkers([{ outstandingMs: 300 }, { outstandingMs: 120, inFlight: 9 }, { outstandingMs: 560 }]);
    const choice = leastLoaded(makeRequest('r', []), makeContext(workers, [24, 0, 24]));
    expect(choice).toEqual({ workerId: 1, rule: 'least-loaded', reason: 'lowest outstanding 120 ms on worker 1 (alive: 120 ms..560 ms)' });
  });

  it('ignores the prefix match entirely', () => {
    const workers = makeWorkers([{ outstandingMs: 10 }, { outstandingMs: 5 }]);
    expect(leastLoaded(makeRequest('r', []), makeContext(workers, [24, 0])).workerId).toBe(1);
  });

  it('breaks ties by fewest in flight, then fewest sent, then lowest id', () => {
    const idle = makeWorkers([{ sent: 4 }, { sent: 3 }, { sent: 3 }, { outstandingMs: 1 }]);
    expect(leastLoaded(makeRequest('r', []), makeContext(idle)).workerId).toBe(1);
  });

  it('skips dead workers', () => {
    const workers = makeWorkers([{ alive: false, outstandingMs: 0 }, { outstandingMs: 40 }]);
    expect(leastLoaded(makeRequest('r', []), makeContext(workers)).workerId).toBe(1);
  });
});
