// The live dashboard in a real browser: a scenario runs in real time with --dashboard on a free
// port, headless Chromium opens the page, and the test checks what a person would see while the run
// goes on (a card per worker, their states changing, cache bars, routing decisions, the charts, a
// fault) and once it is over (the final totals), with no console error and no request leaving
// 127.0.0.1. Screenshots, mid-run and at the end, go to the screenshot folder.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, launchChromium, screenshotFolder } from './chromium.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const REQUESTS = 40;

/** Starts rag.ts with the dashboard on any free port; resolves with the child and the page's URL. */
function startScenario(): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(join(root, 'node_modules/.bin/tsx'), [
    join(root, 'scenarios/rag.ts'), '--dashboard', '0', '--dashboard-hold', '--speed', '1',
    '--model', 'dummy', '--requests', String(REQUESTS), '--strategy', 'cache-aware',
    '--kill-worker', '3@1500ms', '--restart-worker', '3@3s', '--quiet', '--out', join(root, '.cache/test-dashboard-browser'),
  ], { cwd: root, env: { ...process.env, CI: 'true' } });
  // With --quiet the dashboard's lines go to stderr (stdout is the results path alone).
  let output = '';
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the scenario exited (${code}) before printing the dashboard's address:\n${output}`)));
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
        if (url !== undefined) resolve({ child, url, output: () => output });
      });
    }
  });
}

/** What the page shows of each worker right now. */
const workerStatuses = (page: Page): Promise<{ id: string; status: string }[]> =>
  page.$$eval('.worker', (cards) => cards.map((c) => ({ id: c.getAttribute('data-worker') ?? '?', status: c.getAttribute('data-status') ?? '?' })));

describe.skipIf(!haveChromium)('the live dashboard in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(screenshotFolder, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('follows a run live, shows its final state, and stays until Ctrl-C with --dashboard-hold', async () => {
    const { child, url, output } = await startScenario();
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const page = await browser.newPage({ viewport: { width: 1400, height: 1050 } });
    const consoleErrors: string[] = [];
    const foreign: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith(url)) foreign.push(r.url());
    });
    try {
      await page.goto(url);
      await page.waitForSelector('.worker[data-worker="3"]');
      expect(await page.locator('.worker').count(), 'one card per worker').toBe(4);

      // Watch the cards while the run goes on: every state a worker shows, and one screenshot
      // while worker 3 is down (killed at 1.5 s, restarted at 3 s of virtual time).
      const seen = new Map<string, Set<string>>();
      let midShot = false;
      while ((await page.locator('#status').textContent()) !== 'finished') {
        for (const { id, status } of await workerStatuses(page)) {
          if (!seen.has(id)) seen.set(id, new Set());
          seen.get(id)!.add(status);
        }
        if (!midShot && (await page.locator('.worker[data-status="down"]').count()) > 0 && (await page.locator('#decisions tr').count()) >= 5) {
          await page.screenshot({ path: join(screenshotFolder, 'dashboard-mid-run.png') });
          midShot = true;
          expect(await page.locator('.worker .seg-used').count(), 'cache bars show used blocks mid-run').toBeGreaterThan(0);
        }
        await page.waitForTimeout(100);
      }
      const changing = [...seen.values()].filter((states) => states.size >= 2).length;
      expect(changing, `states seen per worker: ${JSON.stringify([...seen].map(([id, s]) => [id, [...s]]))}`).toBeGreaterThanOrEqual(2);
      const all = new Set([...seen.values()].flatMap((s) => [...s]));
      expect([...all]).toEqual(expect.arrayContaining(['prefill', 'decode', 'down']));
      expect(midShot, 'a screenshot was taken while worker 3 was down').toBe(true);

      // The final state: every request completed, the decisions with their rule and reason, the
      // kill and the restart in the faults, both charts drawn.
      await expect.poll(() => page.locator('#connection').textContent()).toContain('final state');
      expect(await page.locator('[data-total="completed"] b').textContent()).toBe(String(REQUESTS));
      expect(await page.locator('#decisions tr').count()).toBe(12);
      expect(await page.locator('#decisions td.rule').first().textContent()).toMatch(/\w/);
      expect(await page.locator('#decisions td.reason').first().textContent()).toMatch(/worker/);
      const faults = await page.locator('#faults').textContent();
      expect(faults).toContain('worker 3 down');
      expect(faults).toContain('worker 3 restarted');
      const linePoints = (selector: string) => page.$$eval(selector, (lines) => lines.reduce((n, l) => n + (l.getAttribute('points') ?? '').split(' ').length, 0));
      expect(await linePoints('#hit-chart polyline.hit'), 'hit-rate line').toBeGreaterThan(5);
      expect(await linePoints('#ttft-chart polyline.ttft'), 'TTFT line').toBeGreaterThan(5);
      expect(await page.locator('.worker .seg-cachedfree').count(), 'finished requests leave cached-free blocks').toBeGreaterThan(0);
      await page.screenshot({ path: join(screenshotFolder, 'dashboard-end.png'), fullPage: true });

      // --dashboard-hold: the page is still served after the run, until Ctrl-C.
      expect(output()).toContain('Ctrl-C to quit');
      expect((await fetch(url)).status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(consoleErrors).toEqual([]);
      expect(foreign, 'requests outside 127.0.0.1').toEqual([]);
    } finally {
      await page.close();
      child.kill();
    }
  }, 90_000);
});
