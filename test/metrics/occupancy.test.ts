import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/messages.ts';
import { BUCKET_MS, MAX_BUCKETS, OccupancySampler } from '../../src/metrics/occupancy.ts';
import { kvCleared, kvRemoved, kvStored, workerUp } from './factories.ts';

const state = (workerId: number, at: number, running: number, waiting: number): Message => ({ type: 'WORKER.STATE', at, workerId, state: 'decode', running, waiting });

function sampled(messages: readonly Message[], endMs: number) {
  const sampler = new OccupancySampler();
  for (const m of messages) sampler.observe(m);
  return sampler.series(endMs);
}

describe('OccupancySampler', () => {
  it('keeps the most blocks held in each bucket, and carries the level into quiet buckets', () => {
    const series = sampled([workerUp(0, 0), kvStored(0, 2, 5), kvStored(0, 4, 3), kvRemoved(0, 6, 6), kvStored(0, 25, 1)], 45);
    expect(series.bucketMs).toBe(BUCKET_MS);
    // [0,10): up to 8 then 2; [10,20): 2 carried; [20,30): 3; [30,40) and [40,50): 3 carried
    expect(series.workers).toEqual([{ id: 0, capacity: 924, blocks: [8, 2, 3, 3, 3], load: [0, 0, 0, 0, 0] }]);
  });

  it('reads the load as running + waiting on each state change, and as 0 once the worker is down', () => {
    const down: Message = { type: 'WORKER.DOWN', at: 21, workerId: 1, reason: 'killed' };
    const series = sampled([workerUp(1, 0), state(1, 1, 2, 3), state(1, 12, 1, 0), down], 29);
    // [10,20) enters at 5 before dropping to 1: its peak is 5; [20,30) enters at 1 before the 0.
    expect(series.workers[0]?.load).toEqual([5, 5, 1]);
  });

  it('empties a worker on KV.CLEARED and on a restart', () => {
    const series = sampled([workerUp(0, 0), kvStored(0, 1, 9), kvCleared(0, 15), kvStored(0, 22, 4), workerUp(0, 35)], 39);
    expect(series.workers[0]?.blocks).toEqual([9, 9, 4, 4]);
    expect(series.workers[0]?.blocks.at(-1), 'the restart bucket peaks at what was held before it').toBe(4);
  });

  it('doubles the bucket width, keeping the larger of each pair, so that no series passes MAX_BUCKETS', () => {
    const endMs = BUCKET_MS * MAX_BUCKETS * 3; // needs two doublings
    const messages: Message[] = [workerUp(0, 0), workerUp(1, 0)];
    for (let at = 0; at < endMs; at += BUCKET_MS) messages.push(kvStored(0, at, 1));
    messages.push(kvStored(1, BUCKET_MS, 7), kvRemoved(1, BUCKET_MS * 2, 7));
    const series = sampled(messages, endMs - 1);
    expect(series.bucketMs).toBe(BUCKET_MS * 4);
    expect(series.workers.map((w) => w.blocks.length)).toEqual([MAX_BUCKETS * 3 / 4, MAX_BUCKETS * 3 / 4]);
    expect(series.workers[0]?.blocks.slice(0, 3), 'the peak of four buckets of one block more each').toEqual([4, 8, 12]);
    expect(series.workers[1]?.blocks.slice(0, 2), 'a 10 ms peak survives the merging').toEqual([7, 0]);
  });

  it('lists the workers by id, each series as long as the run, unbounded capacity as null', () => {
    const up = (workerId: number): Message => ({ type: 'WORKER.UP', at: 0, workerId, capacity: 'unbounded' });
    const series = sampled([up(2), up(0), kvStored(2, 3, 1)], 30);
    expect(series.workers.map((w) => [w.id, w.capacity, w.blocks.length])).toEqual([[0, null, 4], [2, null, 4]]);
  });
});
