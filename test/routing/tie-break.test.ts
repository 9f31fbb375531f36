import { describe, expect, it } from 'vitest';
import { NoWorkerAliveError, RoutingError } from '../../src/routing/errors.ts';
import { compareTie, countAlive, pickBest } from '../../src/routing/tie-break.ts';
import { makeWorkers } from './factories.ts';

const noPreference = () => 0;

describe('the tie rule', () => {
  it('goes to the fewest in flight first', () => {
    const workers = makeWorkers([{ inFlight: 2, sent: 0 }, { inFlight: 1, sent: 9 }, { inFlight: 3 }]);
    expect(pickBest(workers, null, noPreference).id).toBe(1);
  });

  it('then to the fewest sent so far', () => {
    const workers = makeWorkers([{ inFlight: 1, sent: 5 }, { inFlight: 1, sent: 4 }, { inFlight: 1, sent: 6 }]);
    expect(pickBest(workers, null, noPreference).id).toBe(1);
  });

  it('then to the lowest id', () => {
    const workers = makeWorkers([{ inFlight: 2 }, { inFlight: 1, sent: 3 }, { inFlight: 1, sent: 3 }]);
    expect(pickBest(workers, null, noPreference).id).toBe(1);
  });

  it('applies only among equals: `better` decides first', () => {
    const workers = makeWorkers([{ inFlight: 0, outstandingMs: 50 }, { inFlight: 9, outstandingMs: 10 }]);
    expect(pickBest(workers, null, (a, b) => a.outstandingMs - b.outstandingMs).id).toBe(1);
  });

  it('never picks a dead worker, however good', () => {
    const workers = makeWorkers([{ alive: false }, { inFlight: 5 }]);
    expect(pickBest(workers, null, noPreference).id).toBe(1);
  });

  it('restricts to the candidates when given', () => {
    const workers = makeWorkers([{}, { inFlight: 4 }, { inFlight: 3 }]);
    expect(pickBest(workers, (w) => w.id !== 0, noPreference).id).toBe(2);
    expect(() => pickBest(workers, () => false, noPreference)).toThrow(RoutingError);
  });

  it('throws NoWorkerAliveError when every worker is down', () => {
    const workers = makeWorkers([{ alive: false }, { alive: false }]);
    expect(() => pickBest(workers, null, noPreference)).toThrow(NoWorkerAliveError);
    expect(() => countAlive(workers)).toThrow('no worker is alive (all 2 are down)');
  });

  it('compareTie orders by in flight, sent, id', () => {
    const [a, b, c, d] = makeWorkers([{ inFlight: 1, sent: 2 }, { inFlight: 1, sent: 1 }, { inFlight: 0, sent: 7 }, { inFlight: 1, sent: 1 }]);
    expect([a!, b!, c!, d!].sort(compareTie).map((w) => w.id)).toEqual([2, 1, 3, 0]);
  });
});
