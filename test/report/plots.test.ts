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
import { specToSvg, svgToPng } from '../../src/report/render.ts';
import { buildResults } from '../../src/report/results.ts';
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

  it('writes an SVG and a PNG for each of the five plots', () => {
    expect(written.files).toEqual(PLOT_NAMES.flatMap((n) => [join(dir, 'plots', `${n}.svg`), join(dir, 'plots', `${n}.png`)]));
    expect(PLOT_NAMES).toEqual(['latency-distribution', 'hit-rate-over-time', 'worker-load', 'latency-by-cache-status', 'match-length']);
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
    expect(again.files).toHaveLength(10);
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

  it('names buckets by their range', () => {
    expect([0, 1, 2, 4, 512].map(bucketLabel)).toEqual(['0', '1', '2–3', '4–7', '512–1023']);
  });

  it('renders an empty run without failing', async () => {
    const empty = { scenario: 'empty', seed: 0, runs: [] };
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
