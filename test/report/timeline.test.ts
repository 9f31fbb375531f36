import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/metrics/summary.ts';
import { ReportInputError } from '../../src/report/errors.ts';
import { buildResults } from '../../src/report/results.ts';
import { buildTimeline, windowLayout } from '../../src/report/timeline.ts';
import { recorderOf, served } from '../metrics/factories.ts';
import { runMessages, sampleInput, STRATEGIES, WORKERS } from './fixtures.ts';

/** a (MISS, w0) and b (2 of 4 blocks, w1) early; c (4 of 4, w0) at 95. */
const threeRequests = () =>
  recorderOf([
    ...served('a', { worker: 0, at: 0, cached: 0, computed: 4 }),
    ...served('b', { worker: 1, at: 10, cached: 2, computed: 2 }),
    ...served('c', { worker: 0, at: 95, cached: 4, computed: 0 }),
  ]).records();

describe('buildTimeline', () => {
  it('puts each first admission and each routing in the window of its time', () => {
    const t = buildTimeline(threeRequests(), { endMs: 100, windows: 4 });
    expect(t.windowMs).toBe(25);
    expect(t.workers).toEqual([0, 1]);
    expect(t.windows).toEqual([
      { startMs: 0, endMs: 25, admissions: 2, hits: 1, hitRate: 32 / 128, blockHitRate: 2 / 8, routed: [1, 1] },
      { startMs: 25, endMs: 50, admissions: 0, hits: 0, hitRate: 0, blockHitRate: 0, routed: [0, 0] },
      { startMs: 50, endMs: 75, admissions: 0, hits: 0, hitRate: 0, blockHitRate: 0, routed: [0, 0] },
      { startMs: 75, endMs: 100, admissions: 1, hits: 1, hitRate: 1, blockHitRate: 1, routed: [1, 0] },
    ]);
  });

  it('cuts windows of a given length, the last one taking the end of the run', () => {
    const t = buildTimeline(threeRequests(), { endMs: 95, windowMs: 30 });
    expect(t.windows.map((w) => [w.startMs, w.admissions])).toEqual([
      [0, 2],
      [30, 0],
      [60, 0],
      [90, 1],
    ]);
  });

  it('clamps an admission at the very end into the last window', () => {
    const t = buildTimeline(threeRequests(), { endMs: 95, windows: 5 });
    expect(t.windows.at(-1)?.admissions).toBe(1);
  });

  it('ends at the latest routing or admission when no end is given', () => {
    expect(buildTimeline(threeRequests(), { windows: 5 }).windowMs).toBe(19);
  });

  it('lists named workers that nothing was routed to', () => {
    const t = buildTimeline(threeRequests(), { endMs: 100, windows: 1, workers: [3, 0] });
    expect(t.workers).toEqual([0, 1, 3]);
    expect(t.windows[0]?.routed).toEqual([2, 1, 0]);
  });

  it('makes one empty window of a run that never advanced', () => {
    expect(buildTimeline([], { endMs: 0 })).toEqual({
      windowMs: 0,
      workers: [],
      windows: [{ startMs: 0, endMs: 0, admissions: 0, hits: 0, hitRate: 0, blockHitRate: 0, routed: [] }],
    });
  });

  it.each(STRATEGIES)('%s: windows sum to the run’s admissions and each worker’s routed requests', (strategy) => {
    const recorder = recorderOf(runMessages(strategy));
    const summary = summarize(recorder, { workers: WORKERS });
    const t = buildTimeline(recorder.records(), { endMs: summary.simulatedMs, workers: WORKERS });
    const admitted = [...recorder.records()].filter((r) => r.admittedAt !== undefined).length;
    const admissions = t.windows.reduce((sum, w) => sum + w.admissions, 0);
    expect(admissions).toBe(admitted);
    expect(admissions, 'the same set as the matched-blocks histogram').toBe(summary.matchedBlocks.reduce((s, b) => s + b.count, 0));
    expect(t.windows).toHaveLength(30);
    const routed = t.workers.map((_, i) => t.windows.reduce((sum, w) => sum + (w.routed[i] ?? 0), 0));
    expect(routed).toEqual(summary.workers.map((w) => w.requests));
  });

  it('is what results.json holds per run', () => {
    const results = buildResults(sampleInput());
    for (const run of results.runs) {
      expect(run.timeline.windows).toHaveLength(10);
      expect(run.timeline.windows.reduce((s, w) => s + w.admissions, 0)).toBe(run.requests.completed);
    }
  });
});

describe('windowLayout', () => {
  it('refuses counts and lengths that cannot be windows', () => {
    expect(() => windowLayout(100, { windows: 0 })).toThrow(ReportInputError);
    expect(() => windowLayout(100, { windows: 2.5 })).toThrow(/integer/);
    expect(() => windowLayout(100, { windowMs: 0 })).toThrow(/positive/);
    expect(() => windowLayout(1e9, { windowMs: 1 })).toThrow(/is it in ms/);
    expect(() => windowLayout(-1)).toThrow(/endMs/);
  });

  it('prefers a window length over a count', () => {
    expect(windowLayout(100, { windows: 7, windowMs: 40 })).toEqual({ count: 3, windowMs: 40 });
  });
});
