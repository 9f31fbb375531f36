// The view's running sums and maxima against the formula recomputed from scratch over a plain
// list of in-flight requests, after every step of random route / prefill / finish / down / up.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LATENCY } from '../../src/latency-model.ts';
import { RouterView } from '../../src/routing/router-view.ts';
import { chain, makeRequest } from './factories.ts';

interface Naive {
  id: string;
  worker: number;
  prefillMs: number;
  decodeMs: number;
  decodeEnd: number | null;
}

const WORKERS = 3;
const { prefillBaseMs, prefillPerBlockMs, decodeStepMs } = DEFAULT_LATENCY;

const naiveOutstanding = (list: Naive[], worker: number, now: number): number => {
  const mine = list.filter((r) => r.worker === worker);
  const prefill = mine.filter((r) => r.decodeEnd === null).reduce((s, r) => s + r.prefillMs, 0);
  const running = Math.max(0, ...mine.map((r) => (r.decodeEnd === null ? 0 : r.decodeEnd - now)));
  const waiting = Math.max(0, ...mine.filter((r) => r.decodeEnd === null).map((r) => r.decodeMs));
  return prefill + Math.max(running, waiting);
};

const step = fc.oneof(
  fc.record({ kind: fc.constant('route' as const), worker: fc.nat(WORKERS - 1), blocks: fc.nat(30), maxTokens: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('prefill' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('finish' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('down' as const), worker: fc.nat(WORKERS - 1) }),
  fc.record({ kind: fc.constant('up' as const), worker: fc.nat(WORKERS - 1) }),
);

describe('RouterView (property)', () => {
  it('keeps in-flight counts and the outstanding estimate equal to a from-scratch recomputation', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.nat(50)), { maxLength: 60 }), (steps) => {
        const view = new RouterView({ workers: WORKERS, mode: 'events', latency: DEFAULT_LATENCY });
        const list: Naive[] = [];
        let now = 0;
        let next = 0;
        for (const [s, dt] of steps) {
          now += dt;
          if (s.kind === 'route') {
            const id = `r${next++}`;
            view.onRouted(makeRequest(id, chain(id, s.blocks), s.maxTokens), s.worker, now);
            list.push({ id, worker: s.worker, prefillMs: prefillBaseMs + prefillPerBlockMs * s.blocks, decodeMs: decodeStepMs * s.maxTokens, decodeEnd: null });
          } else if (s.kind === 'prefill' || s.kind === 'finish') {
            if (list.length === 0) continue;
            const r = list[s.pick % list.length]!;
            if (s.kind === 'prefill') {
              view.onPrefilled(r.id, now);
              r.decodeEnd ??= now + r.decodeMs;
            } else {
              view.onFinished(r.id, now);
              list.splice(list.indexOf(r), 1);
            }
          } else if (s.kind === 'down') {
            const lost = view.onWorkerDown(s.worker);
            expect(lost).toEqual(list.filter((r) => r.worker === s.worker).map((r) => r.id));
            for (const id of lost) list.splice(list.findIndex((r) => r.id === id), 1);
          } else {
            view.onWorkerUp(s.worker);
          }
          const loads = view.loads(now);
          for (let w = 0; w < WORKERS; w++) {
            expect(loads[w]!.inFlight).toBe(list.filter((r) => r.worker === w).length);
            expect(loads[w]!.outstandingMs, `worker ${w} at t=${now}`).toBeCloseTo(naiveOutstanding(list, w, now), 9);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
