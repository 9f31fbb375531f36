import { describe, expect, it } from 'vitest';
import type { BlockHash } from '../../src/cache/hash.ts';
import { makeWorker, request, type HarnessOptions } from './worker-harness.ts';

/** A worker whose pool logs every admission question (`canAllocate`) and answer (`allocate`), with the virtual time. */
function countingWorker(options: HarnessOptions = {}) {
  const worker = makeWorker(options);
  const calls: [string, number, string][] = [];
  const { pool, clock } = worker;
  const canAllocate = pool.canAllocate.bind(pool);
  const allocate = pool.allocate.bind(pool);
  pool.canAllocate = (hashes: readonly BlockHash[], numTokens: number) => {
    calls.push(['canAllocate', clock.now(), hashes[0] ?? '']);
    return canAllocate(hashes, numTokens);
  };
  pool.allocate = (sequence, hashes, numTokens) => {
    calls.push(['allocate', clock.now(), hashes[0] ?? '']);
    return allocate(sequence, hashes, numTokens);
  };
  return { ...worker, calls };
}

describe('worker: one admission decision per event', () => {
  it('admits a request arriving at an idle worker by allocating its blocks, without asking the pool first', () => {
    const w = countingWorker();
    w.send(request('a', 64, 3));
    w.run();
    expect(w.calls.map(([method, at]) => [method, at])).toEqual([['allocate', 0]]);
    expect(w.completedAt('a')).toBe(5 + 2.5 * 4 + 15 * 3);
  });

  it('takes a request arriving at the first instant of a prefill step into the step with one allocation', () => {
    const w = countingWorker();
    w.send(request('a', 64, 3));
    w.send(request('b', [...Array(48).keys()], 3));
    w.run();
    expect(w.calls.map(([method, at]) => [method, at])).toEqual([['allocate', 0], ['allocate', 0]]);
    expect(w.of('REQUEST.ADMITTED').map((m) => [m.requestId, m.at])).toEqual([['a', 0], ['b', 0]]);
  });

  it('asks the pool once when a request arrives during a decode segment, and allocates it once when the segment is cut', () => {
    const w = countingWorker();
    w.send(request('a', 64, 100));
    w.send(request('b', [...Array(48).keys()], 3), 40);
    w.run();
    const forB = w.calls.filter(([, , first]) => first !== w.calls[0]![2]);
    // b arrives at 40 ms, in the decode step that ends at 45 ms (prefill 15 ms, steps of 15 ms).
    expect(forB.map(([method, at]) => [method, at])).toEqual([['canAllocate', 40], ['allocate', 45]]);
  });
});
