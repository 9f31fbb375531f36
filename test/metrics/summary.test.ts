import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/messages.ts';
import { MetricsRecorder } from '../../src/metrics/recorder.ts';
import { roundSummary } from '../../src/metrics/round.ts';
import { loadImbalance, summarize, type RunSummary } from '../../src/metrics/summary.ts';
import {
  admitted,
  completed,
  kvCleared,
  kvRemoved,
  preempted,
  prefilled,
  recorderOf,
  rejected,
  routed,
  served,
  submitted,
  tokens,
  workerUp,
} from './factories.ts';

const summaryOf = (messages: readonly Message[]) => summarize(recorderOf(messages));

/** Submitted at 0, routed 0, admitted 0 with 2 cached / 3 computed blocks (72 tokens), prefill
 *  5 + 2.5 × 3 = 12.5, tokens [a, b, c] from 27.5 every 15 ms, completed with the last at 57.5. */
const workedExample: Message[] = [
  submitted('a', 0, 72, 3),
  routed('a', 0, 0, 2),
  admitted('a', 0, 0, 2, 3, 72),
  prefilled('a', 12.5, 0),
  tokens('a', 27.5, 0, 3),
  completed('a', 57.5, 0, 3),
];

const one = (v: number) => ({ count: 1, mean: v, p50: v, p95: v, p99: v, max: v });
const none = { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };

describe('summarize', () => {
  it('summarises the worked example exactly', () => {
    expect(summaryOf(workedExample)).toEqual({
      requests: { submitted: 1, completed: 1, rejected: 0, failed: 0, pending: 0 },
      cache: { hitRate: 32 / 72, blockHitRate: 2 / 5, hitTokens: 32, queriedTokens: 72, hitBlocks: 2, queriedBlocks: 5, readmissions: { count: 0, hitBlocks: 0, queriedBlocks: 0 } },
      latency: { ttft: one(27.5), e2e: one(57.5), queue: one(0) },
      hit: { count: 1, e2e: one(57.5), ttft: one(27.5) },
      miss: { count: 0, e2e: none, ttft: none },
      workers: [{ id: 0, requests: 1, served: 1, hitRate: 32 / 72, blockHitRate: 2 / 5, evictions: 0, preemptions: 0 }],
      loadImbalance: 1,
      prediction: { requests: 1, meanAbsError: 0, exact: 1, overPredicted: 0, underPredicted: 0 },
      matchedBlocks: [
        { blocks: 0, count: 0 },
        { blocks: 1, count: 0 },
        { blocks: 2, count: 1 },
      ],
      simulatedMs: 57.5,
    } satisfies RunSummary);
  });

  it('splits completed requests into HIT (≥ 1 cached block at first admission) and MISS', () => {
    const s = summaryOf([
      // One cached block is enough for a HIT. ttft 5 + 2.5 + 15 = 22.5, e2e 22.5 + 30 = 52.5
      ...served('h1', { cached: 1, computed: 1 }),
      ...served('h2', { cached: 4, computed: 2, outputTokens: 5 }), // ttft 25, e2e 85
      ...served('m1', { cached: 0, computed: 4 }), // ttft 30, e2e 60
      submitted('x', 0),
      routed('x', 0, 0),
      admitted('x', 0, 0, 9, 1), // a HIT admission that never completes: in no latency
      rejected('y', 0), // an orphan: never submitted
    ]);
    expect(s.hit).toEqual({
      count: 2,
      e2e: { count: 2, mean: 68.75, p50: 68.75, p95: 52.5 + 0.95 * 32.5, p99: 52.5 + 0.99 * 32.5, max: 85 },
      ttft: { count: 2, mean: 23.75, p50: 23.75, p95: 22.5 + 0.95 * 2.5, p99: 22.5 + 0.99 * 2.5, max: 25 },
    });
    expect(s.miss).toEqual({ count: 1, e2e: one(60), ttft: one(30) });
    expect(s.latency.e2e.count, 'latency covers completed requests only').toBe(3);
  });

  it('computes token and block hit rates over first admissions, in total and per worker', () => {
    const s = summaryOf([
      ...workedExample, // worker 0: 2 of 5 blocks, 32 of 72 tokens
      submitted('b', 0, 64),
      routed('b', 0, 1),
      admitted('b', 0, 1, 0, 4, 64), // worker 1: 0 of 4 blocks, 0 of 64 tokens
      submitted('c', 0, 60),
      routed('c', 0, 1, 3),
      admitted('c', 1, 1, 3, 1, 60), // worker 1: 3 of 4 blocks, 48 of 60 tokens (a 12-token tail)
    ]);
    expect(s.cache).toEqual({ hitRate: 80 / 196, blockHitRate: 5 / 13, hitTokens: 80, queriedTokens: 196, hitBlocks: 5, queriedBlocks: 13, readmissions: { count: 0, hitBlocks: 0, queriedBlocks: 0 } });
    expect(s.workers.map((w) => [w.id, w.hitRate, w.blockHitRate])).toEqual([
      [0, 32 / 72, 2 / 5],
      [1, 48 / 124, 3 / 8],
    ]);
  });

  it('counts a preemption re-admission apart from the cache rates (its own blocks say nothing of routing), and not in HIT/MISS', () => {
    const s = summaryOf([
      submitted('a', 0, 64, 20),
      routed('a', 0, 0, 0),
      admitted('a', 0, 0, 0, 4, 64), // first admission: nothing cached, a MISS
      prefilled('a', 15, 0),
      tokens('a', 30, 0, 10),
      preempted('a', 180, 0),
      admitted('a', 180, 0, 4, 1, 74), // 64 prompt + 10 generated tokens; 4 blocks found
      prefilled('a', 187.5, 0),
      tokens('a', 202.5, 0, 10, 10),
      completed('a', 337.5, 0, 20),
    ]);
    expect(s.cache).toMatchObject({ hitBlocks: 0, queriedBlocks: 4, hitTokens: 0, queriedTokens: 64, blockHitRate: 0, readmissions: { count: 1, hitBlocks: 4, queriedBlocks: 5 } });
    expect([s.hit.count, s.miss.count]).toEqual([0, 1]);
    expect(s.matchedBlocks, 'the histogram takes the first admission').toEqual([{ blocks: 0, count: 1 }]);
    expect(s.workers[0]?.preemptions).toBe(1);
    expect(s.latency.ttft.max, 'ttft counts from the first token, before the preemption').toBe(30);
  });

  it('reports evictions per worker from the hashes of KV.REMOVED', () => {
    const s = summaryOf([workerUp(0), workerUp(1), kvRemoved(1, 5, 3), kvRemoved(1, 9, 2), kvRemoved(0, 9, 1), kvCleared(0, 10)]);
    expect(s.workers.map((w) => [w.id, w.evictions])).toEqual([
      [0, 1],
      [1, 5],
    ]);
  });

  it('includes every worker seen, sorted by id, and those named in the options', () => {
    const rec = recorderOf([workerUp(2), ...served('a', { worker: 1 })]);
    expect(summarize(rec).workers.map((w) => w.id)).toEqual([1, 2]);
    expect(summarize(rec, { workers: [0, 1, 2, 3] }).workers.map((w) => w.id)).toEqual([0, 1, 2, 3]);
  });
});

describe('load imbalance', () => {
  it('is max / mean of requests routed per worker, over every worker that exists', () => {
    const s = summaryOf([
      workerUp(2), // up, never chosen: still part of the mean
      ...served('a', { worker: 0 }),
      ...served('b', { worker: 0 }),
      ...served('c', { worker: 0 }),
      ...served('d', { worker: 1 }),
    ]);
    expect(s.loadImbalance, 'requests [3, 1, 0]: 3 / (4 / 3)').toBeCloseTo(2.25, 12);
  });

  it('is 1 when even, and 0 when nothing was routed', () => {
    expect(loadImbalance([2, 2, 2])).toBe(1);
    expect(loadImbalance([0, 0])).toBe(0);
    expect(loadImbalance([])).toBe(0);
  });

  it('counts silent workers named in the options', () => {
    const rec = recorderOf([...served('a', { worker: 0 }), ...served('b', { worker: 0 })]);
    expect(summarize(rec, { workers: [0, 1] }).loadImbalance).toBe(2);
  });
});

describe('prediction', () => {
  it('compares predicted blocks with cached blocks at first admission', () => {
    const s = summaryOf([
      ...served('exact', { predicted: 2, cached: 2 }),
      ...served('over', { predicted: 4, cached: 1 }),
      ...served('under', { predicted: 0, cached: 2 }),
      submitted('never', 0),
      routed('never', 0, 0, 3),
      rejected('never', 1, 'context-limit', 0), // no admission: nothing to compare
    ]);
    expect(s.prediction).toEqual({ requests: 3, meanAbsError: 5 / 3, exact: 1 / 3, overPredicted: 1 / 3, underPredicted: 1 / 3 });
  });
});

describe('matched-blocks histogram', () => {
  it('buckets cached blocks at first admission by powers of two: 0, 1, 2–3, 4–7, 8–15, 16–31', () => {
    const matched = [0, 0, 1, 2, 3, 4, 7, 8, 20];
    const s = summaryOf(matched.flatMap((cached, i) => [submitted(`r${i}`, 0), admitted(`r${i}`, 0, 0, cached, 1)]));
    expect(s.matchedBlocks).toEqual([
      { blocks: 0, count: 2 },
      { blocks: 1, count: 1 },
      { blocks: 2, count: 2 },
      { blocks: 4, count: 2 },
      { blocks: 8, count: 1 },
      { blocks: 16, count: 1 },
    ]);
  });
});

describe('the summary as data', () => {
  it('an empty run summarises to zeros, without NaN, and survives JSON', () => {
    const s = summarize(new MetricsRecorder());
    expect(s).toEqual({
      requests: { submitted: 0, completed: 0, rejected: 0, failed: 0, pending: 0 },
      cache: { hitRate: 0, blockHitRate: 0, hitTokens: 0, queriedTokens: 0, hitBlocks: 0, queriedBlocks: 0, readmissions: { count: 0, hitBlocks: 0, queriedBlocks: 0 } },
      latency: { ttft: none, e2e: none, queue: none },
      hit: { count: 0, e2e: none, ttft: none },
      miss: { count: 0, e2e: none, ttft: none },
      workers: [],
      loadImbalance: 0,
      prediction: { requests: 0, meanAbsError: 0, exact: 0, overPredicted: 0, underPredicted: 0 },
      matchedBlocks: [],
      simulatedMs: 0,
    });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('an idle worker or a run without completions gives no NaN either', () => {
    const s = summaryOf([workerUp(0), submitted('a', 0), routed('a', 0, 0)]);
    const text = JSON.stringify(s);
    expect(text).not.toMatch(/null|NaN|Infinity/);
    expect(JSON.parse(text)).toEqual(s);
  });

  it('has its keys in a fixed order, so the same run gives the same JSON', () => {
    const run = [...workedExample, ...served('b', { worker: 1, cached: 1 }), kvRemoved(1, 70, 2)];
    const s = summaryOf(run);
    expect(Object.keys(s)).toEqual(['requests', 'cache', 'latency', 'hit', 'miss', 'workers', 'loadImbalance', 'prediction', 'matchedBlocks', 'simulatedMs']);
    expect(JSON.stringify(summaryOf(run))).toBe(JSON.stringify(s));
  });

  it('roundSummary rounds a copy for printing and keeps the key order', () => {
    const s = summaryOf(workedExample);
    const r = roundSummary(s);
    expect(r.cache.hitRate).toBe(0.444);
    expect(s.cache.hitRate, 'the summary itself is never rounded').toBe(32 / 72);
    expect(roundSummary(s, 1).cache.hitRate).toBe(0.4);
    expect(JSON.stringify(Object.keys(r))).toBe(JSON.stringify(Object.keys(s)));
    expect(r.latency).toEqual(s.latency);
  });
});
