import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportInputError } from '../../src/report/errors.ts';
import { DEFAULT_FONT_FAMILY, PLOT_FONT_ENV, resolvePlotFont, SYSTEM_FONT_CANDIDATES } from '../../src/report/fonts.ts';
import { PLOT_NAMES, plotSpec, writePlots, type PlotName, type WrittenPlots } from '../../src/report/plots.ts';
import { E2E_AXIS, FRACTION_AXIS, TTFT_AXIS } from '../../src/report/plots/latency-distribution.ts';
import { HIT_RATE_AXIS, TIME_AXIS } from '../../src/report/plots/hit-rate-over-time.ts';
import { REQUESTS_AXIS, WORKER_AXIS } from '../../src/report/plots/worker-load.ts';
import { STATUS_LATENCY_AXIS, STRATEGY_AXIS } from '../../src/report/plots/latency-by-cache-status.ts';
import { bucketLabel, MATCH_AXIS, MATCH_COUNT_AXIS } from '../../src/report/plots/match-length.ts';
import {
  BLOCK_HIT_RATE_AXIS,
  E2E_P50_AXIS,
  niceCeil,
  shortNumber,
  TTFT_P50_AXIS,
  TTFT_P99_AXIS,
} from '../../src/report/plots/strategy-comparison.ts';
import { logTicks, TTFT_CDF_AXIS, TTFT_CDF_AXIS_LOG, TTFT_FRACTION_AXIS, ttftLogScale } from '../../src/report/plots/ttft-cdf.ts';
import { specToSvg, svgToPng } from '../../src/report/render.ts';
import { buildResults } from '../../src/report/results.ts';
import { HIT_AXIS, IDEAL_LABEL, TTFT_P99_AXIS_X, onParetoFront } from '../../src/report/plots/hit-vs-ttft.ts';
import { sampleInput, STRATEGIES } from './fixtures.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, which must come first. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature').toBe(true);
  expect(png.toString('latin1', 12, 16), 'first chunk').toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const AXIS_TITLES: Record<PlotName, readonly string[]> = {
  'latency-distribution': [TTFT_AXIS, E2E_AXIS, FRACTION_AXIS],
  'hit-rate-over-time': [TIME_AXIS, HIT_RATE_AXIS],
  'worker-load': [WORKER_AXIS, REQUESTS_AXIS],
  'latency-by-cache-status': [STRATEGY_AXIS, STATUS_LATENCY_AXIS],
  'match-length': [MATCH_AXIS, MATCH_COUNT_AXIS],
  'ttft-cdf': [TTFT_CDF_AXIS, TTFT_FRACTION_AXIS],
  'strategy-comparison': [BLOCK_HIT_RATE_AXIS, TTFT_P50_AXIS, TTFT_P99_AXIS, E2E_P50_AXIS],
  'hit-vs-ttft': [HIT_AXIS, TTFT_P99_AXIS_X, IDEAL_LABEL],
};

describe('writePlots', () => {
  const results = buildResults(sampleInput());
  let dir = '';
  let written: WrittenPlots;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-plots-'));
    written = await writePlots(join(dir, 'plots'), results);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes an SVG and a PNG for each of the eight plots', () => {
    expect(written.files).toEqual(PLOT_NAMES.flatMap((n) => [join(dir, 'plots', `${n}.svg`), join(dir, 'plots', `${n}.png`)]));
    expect(PLOT_NAMES).toEqual([
      'latency-distribution',
      'hit-rate-over-time',
      'worker-load',
      'latency-by-cache-status',
      'match-length',
      'ttft-cdf',
      'strategy-comparison',
      'hit-vs-ttft',
    ]);
  });

  it('marks the Pareto front of hit rate against TTFT p99', () => {
    const all = [{ hit: 0.5, p99: 100 }, { hit: 0.4, p99: 80 }, { hit: 0.4, p99: 120 }, { hit: 0.5, p99: 100 }];
    expect(all.map((p) => onParetoFront(p, all)), 'the third is beaten on both axes; equals do not beat each other').toEqual([true, true, false, true]);
  });

  it.each(PLOT_NAMES)('%s.png is a real PNG of some size', async (name) => {
    const png = await readFile(join(dir, 'plots', `${name}.png`));
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(400);
    expect(height).toBeGreaterThan(300);
    expect(png.length, 'a plot, not a blank image').toBeGreaterThan(20_000);
  });

  it.each(PLOT_NAMES)('%s.svg names its axes and every strategy', async (name) => {
    const svg = await readFile(join(dir, 'plots', `${name}.svg`), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const title of AXIS_TITLES[name]) expect(svg, title).toContain(`>${title}<`);
    if (name !== 'latency-by-cache-status') for (const s of STRATEGIES) expect(svg, s).toContain(`>${s}<`);
    expect(svg).toContain(`font-family="${written.font.family}"`);
  });

  it('reports the font it used', () => {
    if (written.font.source === 'none') expect(written.font.warning).toMatch(/npm install dejavu-fonts-ttf/);
    else expect(written.font.files.length).toBeGreaterThan(0);
  });

  it('draws the same SVG and PNG bytes again from the same results', async () => {
    const again = await writePlots(join(dir, 'again'), buildResults(sampleInput([1, 2, 3])), { font: written.font });
    expect(again.files).toHaveLength(2 * PLOT_NAMES.length);
    for (const name of PLOT_NAMES) {
      for (const ext of ['svg', 'png']) {
        const a = await readFile(join(dir, 'plots', `${name}.${ext}`));
        const b = await readFile(join(dir, 'again', `${name}.${ext}`));
        expect(a.equals(b), `${name}.${ext}`).toBe(true);
      }
    }
  });

  it('writes only the plots asked for', async () => {
    const some = await writePlots(join(dir, 'some'), results, { only: ['worker-load'], font: written.font, scale: 1 });
    expect(some.files.map((f) => f.slice(dir.length))).toEqual(['/some/worker-load.svg', '/some/worker-load.png']);
    expect(pngSize(await readFile(join(dir, 'some', 'worker-load.png'))).width).toBeLessThan(1000);
  });
});

describe('plot specs', () => {
  const results = buildResults(sampleInput());

  it('draws no HIT bars for a strategy without a completed HIT request', () => {
    const [first, ...rest] = results.runs;
    if (first === undefined) throw new Error('fixture has runs');
    const missOnly = { ...results, runs: [{ ...first, hit: { ...first.hit, count: 0 } }, ...rest] };
    const spec = plotSpec('latency-by-cache-status', missOnly) as { data: { values: { strategy: string; status: string }[] } };
    const statuses = (s: string) => spec.data.values.filter((v) => v.strategy === s).map((v) => v.status);
    expect(statuses('cache-aware')).toEqual(['MISS', 'MISS']);
    expect(statuses('round-robin')).toEqual(['HIT', 'HIT', 'MISS', 'MISS']);
  });

  it('keeps empty match buckets as 0, so that bars line up', () => {
    const spec = plotSpec('match-length', results) as { data: { values: { strategy: string; bucket: string; requests: number }[] } };
    const buckets = [...new Set(spec.data.values.map((v) => v.bucket))];
    expect(buckets).toEqual(['0', '1', '2–3', '4–7']);
    expect(spec.data.values.filter((v) => v.strategy === 'cache-aware').map((v) => v.requests)).toEqual([4, 0, 0, 20]);
  });

  type CdfSpec = {
    layer: [
      {
        data: { values: { strategy: string; ms: number; fraction: number }[] };
        encoding: { x: { title: string; scale: { type?: string; domain?: number[] }; axis: { values?: number[] } } };
      },
    ];
  };
  /** The fixture's results with the TTFT quantiles of every run replaced by `ttft(i)`. */
  const withTtft = (ttft: (i: number, run: number) => number) => ({
    ...results,
    runs: results.runs.map((r, k) => ({ ...r, latencyCdf: { ...r.latencyCdf, ttft: Array.from({ length: 101 }, (_, i) => ttft(i, k)) } })),
  });

  it('draws the TTFT CDF on a linear axis when TTFTs span two decades or less', () => {
    const spec = plotSpec('ttft-cdf', results) as unknown as CdfSpec;
    const [lines] = spec.layer;
    expect(lines.data.values).toHaveLength(3 * 101);
    expect(lines.data.values.filter((v) => v.strategy === 'round-robin').map((v) => v.fraction).slice(0, 3)).toEqual([0, 0.01, 0.02]);
    expect(lines.encoding.x.title).toBe(TTFT_CDF_AXIS);
    expect(lines.encoding.x.scale.type).toBeUndefined();
  });

  it('switches the TTFT CDF to a log axis over more than two decades, leaving out 0 ms', async () => {
    const wide = withTtft((i, run) => (i === 0 ? 0 : (run + 1) * 2 * 1.08 ** i));
    const spec = plotSpec('ttft-cdf', wide) as unknown as CdfSpec;
    const [lines] = spec.layer;
    expect(lines.encoding.x.title).toBe(TTFT_CDF_AXIS_LOG);
    expect(lines.encoding.x.scale.type).toBe('log');
    expect(lines.data.values).toHaveLength(3 * 100);
    expect(lines.encoding.x.scale.domain).toEqual([2 * 1.08, 6 * 1.08 ** 100]);
    expect(lines.encoding.x.axis.values).toEqual([10, 100, 1000, 10_000]);
    expect(await specToSvg(plotSpec('ttft-cdf', wide))).toContain(`>${TTFT_CDF_AXIS_LOG}<`);
  });

  it('decides the TTFT axis from the positive extent and ticks it at 1, 2, 5 × 10^k', () => {
    expect(ttftLogScale([5, 400])).toBe(false);
    expect(ttftLogScale([5, 600])).toBe(true);
    expect(ttftLogScale([0, 0, 5, 600])).toBe(true);
    expect(ttftLogScale([0, 0])).toBe(false);
    expect(ttftLogScale([])).toBe(false);
    expect(logTicks(3, 400)).toEqual([5, 10, 20, 50, 100, 200]);
    expect(logTicks(0.3, 2)).toEqual([0.5, 1, 2]);
    expect(logTicks(7, 150_000)).toEqual([10, 100, 1000, 10_000, 100_000]);
  });

  type ComparisonSpec = {
    data: { values: { metric: string; strategy: string; value: number; label: string; inside: boolean }[] };
    concat: { encoding: { x: { title: string; scale: { domain: number[] } } } }[];
  };

  it('compares block hit rate, TTFT p50 / p99 and e2e p50 per strategy, one panel each', () => {
    const spec = plotSpec('strategy-comparison', results) as unknown as ComparisonSpec;
    expect(spec.concat.map((c) => c.encoding.x.title)).toEqual([BLOCK_HIT_RATE_AXIS, TTFT_P50_AXIS, TTFT_P99_AXIS, E2E_P50_AXIS]);
    const of = (metric: string) => spec.data.values.filter((v) => v.metric === metric);
    expect(of('blockHitRate').map((v) => v.strategy)).toEqual([...STRATEGIES]);
    const [run] = results.runs;
    if (run === undefined) throw new Error('fixture has runs');
    expect(of('blockHitRate')[0]).toMatchObject({ value: run.cache.blockHitRate * 100, label: `${(run.cache.blockHitRate * 100).toFixed(1)} %` });
    expect(of('ttftP50')[0]).toMatchObject({ value: run.latency.ttft.p50, label: `${shortNumber(run.latency.ttft.p50)} ms` });
    expect(of('ttftP99')[0]?.value).toBe(run.latency.ttft.p99);
    expect(of('e2eP50')[0]?.value).toBe(run.latency.e2e.p50);
    expect(spec.concat[0]?.encoding.x.scale.domain).toEqual([0, 100]);
  });

  it('leaves out the bars of a strategy with nothing completed, and draws long latencies in seconds', () => {
    const [first, ...rest] = results.runs;
    if (first === undefined) throw new Error('fixture has runs');
    const none = { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    const slow = rest.map((r) => ({ ...r, latency: { ...r.latency, ttft: { ...r.latency.ttft, p99: 123_456 } } }));
    const spec = plotSpec('strategy-comparison', {
      ...results,
      runs: [{ ...first, latency: { ...first.latency, ttft: none, e2e: none } }, ...slow],
    }) as unknown as ComparisonSpec;
    const strategies = (metric: string) => spec.data.values.filter((v) => v.metric === metric).map((v) => v.strategy);
    expect(strategies('blockHitRate')).toEqual(['cache-aware', 'round-robin', 'least-loaded']);
    expect(strategies('ttftP50')).toEqual(['round-robin', 'least-loaded']);
    expect(strategies('e2eP50')).toEqual(['round-robin', 'least-loaded']);
    expect(spec.concat[2]?.encoding.x.title).toBe('TTFT p99 (s)');
    expect(spec.concat[2]?.encoding.x.scale.domain).toEqual([0, 200]);
    expect(spec.data.values.find((v) => v.metric === 'ttftP99')).toMatchObject({ value: 123.456, label: '123 s', inside: false });
    expect(spec.concat[1]?.encoding.x.title).toBe(TTFT_P50_AXIS);
  });

  it('labels bars with short numbers on a nice axis', () => {
    expect([8.254, 31.44, 312.4, 12_345.6, 0, 100].map(shortNumber)).toEqual(['8.25', '31.4', '312', '12,346', '0', '100']);
    expect([0, 0.8, 43.75, 95, 96, 123.456, 9_000].map(niceCeil)).toEqual([1, 1, 50, 100, 200, 200, 10_000]);
  });

  it('names buckets by their range', () => {
    expect([0, 1, 2, 4, 512].map(bucketLabel)).toEqual(['0', '1', '2–3', '4–7', '512–1023']);
  });

  it('renders an empty run without failing', async () => {
    const empty = { scenario: 'empty', seed: 0, runs: [], ideal: results.ideal };
    for (const name of PLOT_NAMES) {
      const svg = await specToSvg(plotSpec(name, empty));
      expect(svg.startsWith('<svg'), name).toBe(true);
    }
  });

  it('draws text only with the font files it is given', async () => {
    const svg = await specToSvg(plotSpec('worker-load', results));
    const font = resolvePlotFont({ env: {} });
    if (font.files.length === 0) return; // no font on this machine: nothing to compare
    const withFont = svgToPng(svg, { font, scale: 1 });
    const textless = svgToPng(svg, { font: { ...font, files: ['/nonexistent.ttf'] }, scale: 1 });
    expect(withFont.equals(textless), 'text changes the pixels').toBe(false);
  });
});

describe('resolvePlotFont', () => {
  const system = SYSTEM_FONT_CANDIDATES.find((p) => existsSync(p));

  it('takes a named file first, with its bold face beside it', () => {
    if (system === undefined) return;
    const font = resolvePlotFont({ file: system, family: 'My Sans', env: { [PLOT_FONT_ENV]: '/elsewhere.ttf' } });
    expect(font).toEqual({ family: 'My Sans', files: [system, system.replace('.ttf', '-Bold.ttf')], source: 'option' });
  });

  it('then the environment variable', () => {
    if (system === undefined) return;
    expect(resolvePlotFont({ env: { [PLOT_FONT_ENV]: system } }).source).toBe('env');
  });

  it('refuses a named file that does not exist, saying what to give', () => {
    expect(() => resolvePlotFont({ file: 'no/such/font.ttf' })).toThrow(ReportInputError);
    expect(() => resolvePlotFont({ env: { [PLOT_FONT_ENV]: 'missing.ttf' } })).toThrow(/SCR_PLOT_FONT 'missing.ttf' does not exist/);
  });

  it('finds DejaVu Sans where the system keeps it', () => {
    const font = resolvePlotFont({ env: {}, usePackage: false });
    if (system === undefined) expect(font.source).toBe('none');
    else expect(font).toMatchObject({ family: DEFAULT_FONT_FAMILY, source: 'system' });
  });

  it('says what to install when there is no font at all', () => {
    const font = resolvePlotFont({ env: {}, usePackage: false, candidates: [] });
    expect(font.source).toBe('none');
    expect(font.files).toEqual([]);
    expect(font.warning).toContain('npm install dejavu-fonts-ttf');
    expect(font.warning).toContain('fonts-dejavu-core');
  });
});
