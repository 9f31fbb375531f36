import { describe, expect, it } from 'vitest';
import type { Dist } from '../../src/metrics/distribution.ts';
import { summarize, type RunSummary } from '../../src/metrics/summary.ts';
import { buildResults } from '../../src/report/results.ts';
import { compact, formatTable, percent, wantsColor, type TableRun } from '../../src/report/table.ts';
import { recorderOf, served } from '../metrics/factories.ts';
import { sampleInput, STRATEGIES } from './fixtures.ts';

const dist = (p50: number, p95: number, p99: number, count = 100): Dist => ({ count, mean: p50, p50, p95, p99, max: p99 });
const NONE: Dist = { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };

/** A run with the numbers a reader checks; everything else plausible. */
function makeRun(strategy: string, o: Partial<{ completed: number; rejected: number; hitRate: number; blockHitRate: number; ofIdeal: number; ttft: Dist; e2e: Dist; hit: Dist; miss: Dist; imbalance: number; preemptions: readonly number[] }> = {}): TableRun {
  return {
    strategy,
    requests: { completed: o.completed ?? 1000, rejected: o.rejected ?? 0 },
    cache: { hitRate: o.hitRate ?? 0.5, blockHitRate: o.blockHitRate ?? 0.5 },
    ...(o.ofIdeal === undefined ? {} : { ofIdeal: { blocks: o.ofIdeal } }),
    latency: { ttft: o.ttft ?? dist(100, 200, 300), e2e: o.e2e ?? dist(1000, 2000, 3000) },
    hit: { e2e: o.hit ?? dist(900, 1800, 2700) },
    miss: { e2e: o.miss ?? dist(1100, 2200, 3300) },
    loadImbalance: o.imbalance ?? 1.2,
    workers: (o.preemptions ?? [0, 0, 0, 0]).map((preemptions) => ({ preemptions })),
  };
}

const RUNS: readonly TableRun[] = [
  makeRun('cache-aware', {
    hitRate: 0.63215,
    blockHitRate: 0.6101,
    ofIdeal: 0.8,
    ttft: dist(27.5, 41.85, 42.77),
    e2e: dist(1234.4, 4567.8, 9876),
    hit: dist(812, 1, 1),
    miss: dist(2345.6, 1, 1),
    imbalance: 1.84,
    preemptions: [2, 1, 0, 0],
  }),
  makeRun('round-robin', {
    completed: 998,
    rejected: 2,
    hitRate: 0.2107,
    blockHitRate: 0.2,
    ofIdeal: 0.25,
    ttft: dist(38, 60.25, 71.5),
    e2e: dist(2000, 5000.2, 12000),
    hit: dist(1500, 1, 1),
    miss: dist(2100, 1, 1),
    imbalance: 1.0,
    preemptions: [0, 0, 0, 0],
  }),
  makeRun('least-loaded', {
    hitRate: 0.1,
    blockHitRate: 0.1,
    ttft: dist(7.254, 50, 80),
    e2e: dist(1900, 4800, 11000),
    hit: NONE,
    miss: dist(1900, 1, 1),
    imbalance: 1.01,
    preemptions: [1, 1, 1, 1],
  }),
];

/** The row of `strategy`, split into its cells (group separators and spaces dropped). */
function cellsOf(table: string, strategy: string): string[] {
  const line = table.split('\n').find((l) => l.startsWith(`${strategy} `));
  if (line === undefined) throw new Error(`no row for ${strategy} in\n${table}`);
  return line.slice(strategy.length).split(/[\s│]+/).filter((c) => c !== '');
}

describe('formatTable', () => {
  const table = formatTable(RUNS, { color: false });

  it('has one row per strategy, in the given order', () => {
    const rows = table.split('\n').filter((l) => RUNS.some((r) => l.startsWith(`${r.strategy} `)));
    expect(rows.map((r) => r.split(' ')[0])).toEqual(['cache-aware', 'round-robin', 'least-loaded']);
  });

  it('prints the numbers of a hand-built summary, the best of each column marked', () => {
    // done rej | tokens blocks ideal | TTFT p50 p99 | e2e p50 p99 | HIT MISS | imbal preempt
    expect(cellsOf(table, 'cache-aware')).toEqual(
      ['1000*', '0*', '63.2%*', '61.0%*', '80.0%*', '27.5', '42.8*', '1234*', '9876*', '812*', '2346', '1.84', '3'],
    );
    expect(cellsOf(table, 'round-robin')).toEqual(
      ['998', '2', '21.1%', '20.0%', '25.0%', '38.0', '71.5', '2000', '12000', '1500', '2100', '1.00*', '0*'],
    );
    expect(cellsOf(table, 'least-loaded')).toEqual(
      ['1000*', '0*', '10.0%', '10.0%', '–', '7.25*', '80.0', '1900', '11000', '–', '1900*', '1.01', '4'],
    );
  });

  it('names the groups and columns, with units', () => {
    for (const word of ['requests', 'hit rate', 'TTFT ms', 'e2e ms', 'e2e p50 ms', 'done', 'rej', 'tokens', 'blocks', 'ideal', 'p50', 'p99', 'HIT', 'MISS', 'imbal', 'preempt']) {
      expect(table, word).toContain(word);
    }
    expect(table).toContain('* best in column');
  });

  it('fits in 120 columns', () => {
    const widest = Math.max(...table.split('\n').map((l) => [...l].length));
    expect(widest).toBeLessThanOrEqual(120);
  });

  it('still fits in 120 columns with 14-character names, 5-digit counts and 99-second latencies', () => {
    const big = dist(99_999, 99_999, 99_999);
    const runs = ['llm-d-affinity', 'llm-d-affinit2'].map((s) =>
      makeRun(s, { completed: 99_999, rejected: 99_999, ofIdeal: 0.999, ttft: big, e2e: big, hit: big, miss: big, preemptions: [99_999] }),
    );
    const widest = Math.max(...formatTable(runs, { color: false }).split('\n').map((l) => [...l].length));
    expect(widest).toBeLessThanOrEqual(120);
  });

  it('switches a latency group to seconds when its largest value reaches 100 s', () => {
    const slow = formatTable([makeRun('a', { e2e: dist(50_000, 150_000, 250_000) }), makeRun('b')], { color: false });
    expect(slow).toContain('e2e s');
    expect(slow).toContain('TTFT ms');
    expect(cellsOf(slow, 'a').slice(7, 9)).toEqual(['50.0', '250']);
  });

  it('marks nothing in a column whose values all print the same', () => {
    const same = formatTable([makeRun('a'), makeRun('b')], { color: false });
    expect(same.split('\n').filter((l) => /^[ab] /.test(l)).join('\n')).not.toContain('*');
  });

  it('writes no escape codes without colour, and bold green best values with it', () => {
    expect(table).not.toContain('\x1b[');
    const coloured = formatTable(RUNS, { color: true });
    expect(coloured).toContain('\x1b[1;32m');
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(table);
  });

  it('accepts results.json runs as they are', () => {
    const results = buildResults(sampleInput());
    const text = formatTable(results.runs, { color: false });
    for (const s of STRATEGIES) expect(text).toContain(s);
    // 62.5 % of blocks hit, where the ideal bound hits 160 / 192 = 83.3 %: 75 % of ideal.
    expect(cellsOf(text, 'cache-aware').slice(0, 5)).toEqual(['24', '1', '62.5%*', '62.5%*', '75.0%*']);
  });

  it('accepts a RunSummary with a strategy name', () => {
    const summary: RunSummary = summarize(recorderOf(served('a', { cached: 2, computed: 3 })));
    const text = formatTable([{ strategy: 'solo', ...summary }], { color: false });
    // 32 of 80 tokens; e2e 5 + 2.5 × 3 + 15 × 3 = 57.5 ms
    expect(cellsOf(text, 'solo').slice(0, 7)).toEqual(['1', '0', '40.0%', '40.0%', '–', '27.5', '27.5']);
  });
});

describe('wantsColor', () => {
  it('is true only on a TTY with NO_COLOR unset or empty', () => {
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({}, {})).toBe(false);
  });
});

describe('number formats', () => {
  it('keeps about 3 significant figures', () => {
    expect([7.254, 27.54, 1234.4, 0].map(compact)).toEqual(['7.25', '27.5', '1234', '0.00']);
    expect(percent(0.63215)).toBe('63.2%');
  });
});
