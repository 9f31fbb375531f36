// The dashboard's picture of a run, folded from bus messages: what each worker is doing, the hit
// rate and TTFT as the recorder counts them, the latest decisions and faults.

import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/actors/cluster.ts';
import { DashboardState, KEPT_DECISIONS, type ClusterSample, type RunLabel } from '../../src/dashboard/dashboard-state.ts';
import type { Message, MessageOf, WorkerId } from '../../src/messages.ts';
import { MetricsRecorder } from '../../src/metrics/recorder.ts';
import { summarize } from '../../src/metrics/summary.ts';
import { BS, admitted, completed, kvStored, preempted, routed, submitted, tokens, workerUp } from '../metrics/factories.ts';

const label = (overrides: Partial<RunLabel> = {}): RunLabel => ({ scenario: 'rag', strategy: 'cache-aware', runIndex: 1, runCount: 1, workers: 2, blockSize: BS, ...overrides });

/** A state that has seen `messages`. */
function stateOf(messages: readonly Message[], overrides: Partial<RunLabel> = {}): DashboardState {
  const state = new DashboardState(label(overrides));
  for (const m of messages) state.observe(m);
  return state;
}

const engine = (workerId: WorkerId, at: number, state: 'idle' | 'prefill' | 'decode', running = 0, waiting = 0): MessageOf<'WORKER.STATE'> => ({ type: 'WORKER.STATE', at, workerId, state, running, waiting });
const down = (workerId: WorkerId, at: number): MessageOf<'WORKER.DOWN'> => ({ type: 'WORKER.DOWN', at, workerId, reason: `killed at ${at} ms` });
const retry = (id: string, at: number, workerId: WorkerId): MessageOf<'REQUEST.RETRY'> => ({
  type: 'REQUEST.RETRY', at, requestId: id, workerId, request: { id, prompt: [1], maxTokens: 1 }, reason: `worker ${workerId} went down`,
});

describe('DashboardState', () => {
  it('starts every worker idle and follows its engine state, its fall and its restart', () => {
    const state = new DashboardState(label());
    const statuses = (): string[] => state.view().workers.map((w) => w.status);
    expect(statuses()).toEqual(['idle', 'idle']);
    state.observe(engine(0, 10, 'prefill', 1, 2));
    expect(statuses()).toEqual(['prefill', 'idle']);
    state.observe(engine(0, 20, 'decode', 3, 0));
    state.observe(down(1, 25));
    expect(statuses()).toEqual(['decode', 'down']);
    state.observe(workerUp(1, 40));
    expect(statuses()).toEqual(['decode', 'idle']);
    expect(state.view().workers[0]).toMatchObject({ running: 3, waiting: 0 });
  });

  it('counts the virtual time each worker spent in each state, the current one up to the view', () => {
    const state = stateOf([workerUp(0, 0), engine(0, 10, 'prefill'), engine(0, 15, 'decode'), engine(0, 45, 'idle'), down(0, 50), workerUp(0, 80), engine(0, 90, 'prefill')]);
    expect(state.view({ now: 100, workers: [] }).workers[0]!.timeIn).toEqual({ idle: 10 + 5 + 10, prefill: 5 + 10, decode: 30, down: 30 });
  });

  it('reads the queue, the batch and the cache from a sample: used, cached-free and free blocks', () => {
    const sample: ClusterSample = {
      now: 5,
      workers: [
        { id: 0, waiting: 4, prefilling: 1, running: 2, usage: { capacity: 924, used: 100, free: 824, evictable: 24 } },
        { id: 1, waiting: 0, prefilling: 0, running: 0, usage: { capacity: 924, used: 0, free: 924, evictable: 0 } },
      ],
    };
    const [w0, w1] = stateOf([engine(0, 1, 'prefill', 9, 9)]).view(sample).workers;
    expect(w0).toMatchObject({ waiting: 4, running: 3, cache: { capacity: 924, used: 100, cachedFree: 24, empty: 800 } });
    expect(w1!.cache).toEqual({ capacity: 924, used: 0, cachedFree: 0, empty: 924 });
    expect(stateOf([]).view().workers[0]!.cache, 'no sample yet: no cache').toBeNull();
  });

  it('counts the hit rate over first admissions only, in prompt tokens, as the recorder does', () => {
    const state = stateOf([
      submitted('a', 0, 64), routed('a', 0, 0), admitted('a', 1, 0, 1, 3), // 16 of 64 tokens cached
      preempted('a', 5, 0), admitted('a', 6, 0, 4, 0, 64), // a re-admission: not a query
      submitted('b', 10, 32), routed('b', 10, 1), admitted('b', 11, 1, 2, 0), // 32 of 32
    ]);
    const view = state.view();
    expect(view.totals.hitRate).toBeCloseTo(48 / 96, 12);
    expect(view.workers.map((w) => w.hitRate)).toEqual([16 / 64, 1]);
    expect(view.totals.preempted).toBe(1);
    expect(view.series.points[0]!.hitRate).toBeCloseTo(48 / 96, 12);
  });

  it('measures TTFT from submission to the first token, once per request', () => {
    const view = stateOf([
      submitted('a', 100), tokens('a', 180, 0, 2, 0), tokens('a', 210, 0, 2, 2),
      submitted('b', 200), tokens('b', 240, 1, 1, 0), completed('b', 240, 1),
    ]).view();
    expect(view.totals.ttftMeanMs).toBe((80 + 40) / 2);
    expect(view.series.points[0], 'both first tokens fall in the first 250 ms bucket').toMatchObject({ ttftMeanMs: 60, ttftMaxMs: 80 });
  });

  it(`keeps the latest ${KEPT_DECISIONS} routing decisions, newest first, with their rule and reason, and counts every rule`, () => {
    const messages = Array.from({ length: 15 }, (_, i) => routed(`r${i}`, i, i % 2, 3, i < 5 ? 'load-guard' : 'longest-prefix'));
    const view = stateOf(messages).view();
    expect(view.decisions.map((d) => d.requestId)).toEqual(Array.from({ length: KEPT_DECISIONS }, (_, i) => `r${14 - i}`));
    expect(view.decisions[0]).toEqual({ at: 14, requestId: 'r14', workerId: 0, rule: 'longest-prefix', reason: 'longest-prefix: matched 3', predictedBlocks: 3 });
    expect(view.rules).toEqual({ 'load-guard': 5, 'longest-prefix': 10 });
    expect(view.workers.map((w) => w.routed)).toEqual([8, 7]);
  });

  it('logs faults newest first, the requests a fall sends back counted in one entry', () => {
    const view = stateOf([workerUp(1, 0), down(1, 50), retry('a', 50, 1), retry('b', 50, 1), workerUp(1, 90)]).view();
    expect(view.faults.map((f) => [f.kind, f.at, f.count])).toEqual([['up', 90, 1], ['retry', 50, 2], ['down', 50, 1]]);
    expect(view.faults[2]!.text).toBe('worker 1 down: killed at 50 ms');
    expect(view.totals.retried).toBe(2);
  });

  it('shows a stall (not a message) once the run has passed its time', () => {
    const state = stateOf([workerUp(0, 0)], { stalls: [{ worker: 1, at: 100, factor: 4 }] });
    expect(state.view().faults).toEqual([]);
    state.observe(kvStored(0, 120, 2));
    expect(state.view().faults).toEqual([{ at: 100, kind: 'stall', workerId: 1, count: 1, text: 'worker 1 stalls: 4× slower per step' }]);
  });

  it('ignores messages about workers it does not know rather than failing the run', () => {
    const state = stateOf([routed('a', 0, 7), engine(9, 1, 'decode'), down(9, 2), admitted('a', 3, 7, 1, 1)]);
    expect(state.view().workers.map((w) => w.status)).toEqual(['idle', 'idle']);
  });

  it("agrees with the recorder's summary on a real run: completed, hit rate and mean TTFT", async () => {
    const cluster = createCluster({ workers: 2, seed: 3 });
    const state = new DashboardState(label({ blockSize: cluster.blockSize }));
    const recorder = new MetricsRecorder({ blockSize: cluster.blockSize });
    recorder.attach(cluster.events$);
    cluster.events$.subscribe((m) => state.observe(m));
    const shared = Array.from({ length: 64 }, (_, i) => i);
    for (let i = 0; i < 12; i++) cluster.submit({ prompt: [...shared, ...Array.from({ length: 20 + i }, (_, j) => 500 + i * 50 + j)], maxTokens: 4 }, i * 7);
    await cluster.run();
    const summary = summarize(recorder);
    const totals = state.totals();
    expect(totals.completed).toBe(12);
    expect(totals.hitRate).toBeCloseTo(summary.cache.hitRate, 12);
    expect(totals.ttftMeanMs).toBeCloseTo(summary.latency.ttft.mean, 9);
  });
});
