// report.html as a person sees it: a small run's and a small sweep's, opened from disk in headless
// Chromium. What is on the page, that every chart is drawn, that hovering names a value and a
// strategy switch hides that strategy, that nothing is fetched and nothing is logged as an error.
// Full-page screenshots go to the screenshot folder (test output).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, launchChromium, screenshotFolder } from './chromium.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const STRATEGIES = ['cache-aware', 'round-robin', 'least-loaded'];

function run(script: string, args: string[]): void {
  const result = spawnSync(tsx, [join(root, 'scenarios', script), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  expect(result.status, result.stderr).toBe(0);
}

/** A Mooncake trace of `n` requests whose groups of ten share a first block, and a sweep over it. */
function sweepFile(dir: string): string {
  const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify({ timestamp: i * 40, input_length: 2048, output_length: 128, hash_ids: [Math.floor(i / 10), 1000 + (i % 7), 2000 + i] }));
  writeFileSync(join(dir, 'trace.jsonl'), `${lines.join('\n')}\n`);
  const file = join(dir, 'small-sweep.json');
  writeFileSync(file, JSON.stringify({ scenario: 'replay', args: { trace: 'trace.jsonl', model: 'dummy' }, factors: { strategy: ['cache-aware', 'round-robin'], workers: [2, 4] } }));
  return file;
}

/** What the page did that it must not: console errors, uncaught exceptions, requests for anything but itself. */
interface Watch {
  readonly errors: string[];
  readonly requests: string[];
}

async function open(browser: Browser, folder: string): Promise<{ page: Page; watch: Watch }> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  const url = pathToFileURL(join(folder, 'report.html')).href;
  const watch: Watch = { errors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  page.on('request', (request) => {
    if (request.url() !== url) watch.requests.push(request.url());
  });
  await page.goto(url);
  return { page, watch };
}

/** The centre of the first element `selector` matches, in page coordinates. */
async function centreOf(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const element = page.locator(selector).first();
  await element.scrollIntoViewIfNeeded();
  const box = await element.boundingBox();
  expect(box, selector).not.toBeNull();
  return { x: box!.x + box!.width / 2, y: box!.y + box!.height / 2 };
}

/** Every chart on the page: its name, its drawn size and how many marks (labelled, non-group SVG elements) it holds. */
function charts(page: Page) {
  return page.$$eval('figure[data-chart]', (figures) =>
    figures.map((f) => {
      const svg = f.querySelector('svg')!.getBoundingClientRect();
      return { name: f.getAttribute('data-chart'), width: svg.width, height: svg.height, marks: f.querySelectorAll('svg [aria-label]:not(g)').length };
    }),
  );
}

describe.skipIf(!haveChromium)('report.html in a browser', () => {
  let browser: Browser;
  let runDir: string;
  let sweepDir: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scr-report-'));
    runDir = join(dir, 'run');
    sweepDir = join(dir, 'sweep');
    run('rag.ts', ['--model', 'dummy', '--requests', '40', '--strategy', STRATEGIES.join(','), '--jobs', '1', '--quiet', '--out', runDir]);
    run('sweep.ts', [sweepFile(dir), '--out', sweepDir, '--jobs', '1', '--quiet']);
    mkdirSync(screenshotFolder, { recursive: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("shows a run's configuration, strategy table, charts and slowest requests, fetching nothing", async () => {
    const { page, watch } = await open(browser, runDir);
    const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as { runs: { strategy: string; ofIdeal: { blocks: number } }[] };

    await expect(page.title()).resolves.toBe('rag · seed 1');
    const settings = await page.locator('#configuration dt').allTextContents();
    expect(settings).toEqual(expect.arrayContaining(['workers', 'requests', 'seed']));

    const rows = await page.$$eval('table.strategies tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
    const ofIdealColumn = 6; // strategy, completed, rejected, failed, tokens, blocks, % of ideal
    expect(rows.map((r) => r[0])).toEqual(STRATEGIES);
    expect(rows.map((r) => r[ofIdealColumn]), '% of ideal as results.json has it').toEqual(results.runs.map((r) => `${(r.ofIdeal.blocks * 100).toFixed(1)}%`));

    const drawn = await charts(page);
    expect(drawn.map((c) => c.name)).toEqual([
      'latency-distribution', 'hit-rate-over-time', 'worker-load', 'latency-by-cache-status', 'match-length', 'ttft-cdf', 'strategy-comparison', 'hit-vs-ttft',
      ...STRATEGIES.map((s) => `workers-${s}`),
    ]);
    for (const chart of drawn) {
      expect(chart.width, chart.name!).toBeGreaterThan(300);
      expect(chart.height, chart.name!).toBeGreaterThan(150);
      expect(chart.marks, chart.name!).toBeGreaterThan(3);
    }

    const slowest = await page.$$eval('table.slowest tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
    expect(slowest).toHaveLength(STRATEGIES.length * 5);
    for (const row of slowest) {
      expect(STRATEGIES, row.join(' | ')).toContain(row[0]);
      expect(row.at(-2), 'a routing rule').toMatch(/\w/);
      expect(row.at(-1), 'a reason').toMatch(/\w/);
    }

    await page.screenshot({ path: join(screenshotFolder, 'report.png'), fullPage: true });
    expect(watch.errors, 'console errors').toEqual([]);
    expect(watch.requests, 'requests besides the page').toEqual([]);
    await page.close();
  });

  it('names the values of the mark under the pointer', async () => {
    const { page } = await open(browser, runDir);
    await expect(page.locator('#tooltip').isHidden()).resolves.toBe(true);
    const bar = await centreOf(page, 'figure[data-chart="worker-load"] path[aria-label*="requests routed"]');
    await page.mouse.move(bar.x, bar.y);
    await expect(page.locator('#tooltip').isVisible()).resolves.toBe(true);
    expect(await page.locator('#tooltip').textContent()).toMatch(/requests routed: \d+.*strategy: cache-aware/);
    // Along a line, away from its first point: the transparent points name the value there.
    const point = await centreOf(page, 'figure[data-chart="ttft-cdf"] [aria-label*="fraction of completed requests: 50"]');
    await page.mouse.move(point.x, point.y);
    expect(await page.locator('#tooltip').textContent()).toMatch(/time to first token \(ms\): [\d.]+.*fraction of completed requests: 50/);
    await page.mouse.move(5, 5);
    await expect(page.locator('#tooltip').isHidden()).resolves.toBe(true);
    await page.close();
  });

  it('hides a strategy everywhere when its switch is turned off, and shows it again', async () => {
    const { page, watch } = await open(browser, runDir);
    const shown = (strategy: string) =>
      page.$$eval(`svg [aria-label*="strategy: ${strategy}"]:not(g)`, (marks) => marks.filter((m) => !(m.getAttribute('style') ?? '').includes('display: none')).length);
    const before = await shown('round-robin');
    expect(before).toBeGreaterThan(10);

    await page.locator('input[data-toggle][value="round-robin"]').uncheck();
    await expect(shown('round-robin')).resolves.toBe(0);
    await expect(shown('cache-aware')).resolves.toBeGreaterThan(10);
    await expect(page.locator('figure[data-chart="workers-round-robin"]').isHidden()).resolves.toBe(true);
    await expect(page.locator('table.slowest tr[data-strategy="round-robin"]').first().isHidden()).resolves.toBe(true);
    await expect(page.locator('table.slowest tr[data-strategy="cache-aware"]').first().isVisible()).resolves.toBe(true);
    await expect(page.locator('tr[data-strategy-row="round-robin"]').getAttribute('class')).resolves.toBe('off');
    await page.screenshot({ path: join(screenshotFolder, 'report-round-robin-off.png'), fullPage: false });

    await page.locator('input[data-toggle][value="round-robin"]').check();
    await expect(shown('round-robin')).resolves.toBe(before);
    expect(watch.errors).toEqual([]);
    await page.close();
  });

  it("shows a sweep's settings, Pareto chart, heat maps and configurations, fetching nothing", async () => {
    const { page, watch } = await open(browser, sweepDir);
    await expect(page.title()).resolves.toBe('Sweep small-sweep');
    expect(await page.locator('#configuration dt').allTextContents()).toEqual(['trace', 'model', 'strategy (levels)', 'workers (levels)']);

    const drawn = await charts(page);
    expect(drawn.map((c) => c.name)).toEqual(['sweep-pareto', 'sweep-heatmap']);
    for (const chart of drawn) {
      expect(chart.width, chart.name!).toBeGreaterThan(300);
      expect(chart.marks, chart.name!).toBeGreaterThanOrEqual(4);
    }

    const rows = await page.$$eval('table.sweep tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
    expect(rows.map((r) => r.slice(0, 2).join(' '))).toEqual(['cache-aware 2', 'cache-aware 4', 'round-robin 2', 'round-robin 4']);
    for (const row of rows) expect(row[4], '% of ideal').toMatch(/^\d+\.\d%$/);
    expect(rows.filter((r) => r.at(-1)!.startsWith('◆')).length, 'rows on the Pareto front').toBeGreaterThan(0);
    expect(rows.some((r) => r.at(-1)!.includes('best: lowest TTFT p99'))).toBe(true);

    const point = await centreOf(page, 'figure[data-chart="sweep-pareto"] path[aria-label*="workers="]');
    await page.mouse.move(point.x, point.y);
    expect(await page.locator('#tooltip').textContent()).toMatch(/workers=\d/);

    await page.mouse.move(5, 5);
    await page.screenshot({ path: join(screenshotFolder, 'sweep-report.png'), fullPage: true });
    expect(watch.errors, 'console errors').toEqual([]);
    expect(watch.requests, 'requests besides the page').toEqual([]);
    await page.close();
  });
});
