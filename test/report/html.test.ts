// The HTML builder of report.html: what the page holds, that it fetches nothing, escapes what
// comes from data and gives the same bytes for the same runs. The browser test
// (test/browser/report.test.ts) checks how it looks and behaves.

import { describe, expect, it } from 'vitest';
import { OccupancySampler } from '../../src/metrics/occupancy.ts';
import { escapeHtml } from '../../src/report/html/escape.ts';
import { runReportHtml, type RunReportInput } from '../../src/report/html/run-report.ts';
import { sweepReportHtml, type SweepReportInput, type SweepReportRow } from '../../src/report/html/sweep-report.ts';
import { requestsJsonl } from '../../src/report/requests-jsonl.ts';
import { buildResults, type RunInput } from '../../src/report/results.ts';
import { runMessages, sampleInput, STRATEGIES } from './fixtures.ts';

const HOSTILE = `<img src=x onerror="alert('x')">&`;

/** The sample runs as report.html's input; `rename` renames the first strategy (and adds a config value), `reason` replaces every routing reason. */
function reportInput(options: { wallMs?: readonly number[]; rename?: string; reason?: string } = {}): RunReportInput {
  const input = sampleInput(options.wallMs);
  const runs: RunInput[] = input.runs.map((r, i) => (i === 0 && options.rename !== undefined ? { ...r, strategy: options.rename } : r));
  const config = options.rename === undefined ? input.config : { ...input.config, note: options.rename };
  const results = buildResults({ ...input, config, runs });
  let jsonl = requestsJsonl(runs.map((r) => ({ strategy: r.strategy, records: r.records! })), { blockSize: 16 });
  if (options.reason !== undefined) jsonl = jsonl.replace(/"reason":"[^"]*"/g, `"reason":${JSON.stringify(options.reason)}`);
  const occupancy = Object.fromEntries(
    STRATEGIES.map((s, i) => {
      const sampler = new OccupancySampler();
      for (const m of runMessages(s)) sampler.observe(m);
      return [runs[i]!.strategy, sampler.series(results.runs[i]!.simulatedMs)];
    }),
  );
  return { results, requestsJsonl: jsonl, occupancy };
}

/** The opening tags of `tag` in `html`. */
const tags = (html: string, tag: string) => html.match(new RegExp(`<${tag}\\b`, 'gi')) ?? [];

describe('escapeHtml', () => {
  it('escapes the five characters that could end text or an attribute', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('runReportHtml', () => {
  it('gives the same bytes for the same runs, whatever the wall times', async () => {
    const first = await runReportHtml(reportInput({ wallMs: [120, 80, 95] }));
    const again = await runReportHtml(reportInput({ wallMs: [3, 4000, 17] }));
    expect(again === first, 'two builds of the same runs differ').toBe(true);
  });

  it('holds the configuration, a table row per strategy, every plot, a workers figure per run and the slowest requests', async () => {
    const html = await runReportHtml(reportInput());
    expect(html).toContain('<title>rag · seed 42</title>');
    expect(html).toContain('<dt>blocksPerWorker</dt><dd>924</dd>');
    expect(html).toContain('<dt>workload</dt><dd>{&quot;docs&quot;:16,&quot;requests&quot;:24,&quot;zipf&quot;:1.1}</dd>');
    expect(html.match(/<tr data-strategy-row="[^"]*">/g)).toEqual(STRATEGIES.map((s) => `<tr data-strategy-row="${s}">`));
    expect([...html.matchAll(/<figure data-chart="([^"]*)"/g)].map((m) => m[1])).toEqual([
      'latency-distribution', 'hit-rate-over-time', 'worker-load', 'latency-by-cache-status', 'match-length', 'ttft-cdf', 'strategy-comparison', 'hit-vs-ttft',
      ...STRATEGIES.map((s) => `workers-${s}`),
    ]);
    expect(html).toContain('KV blocks held (peak)');
    expect(html.match(/<tr data-strategy="[^"]*"/g), '5 slowest per run').toHaveLength(15);
    expect(html).toContain('longest-prefix: matched 6');
  });

  it('fetches nothing: no src or href attribute and no URL but the SVG namespaces', async () => {
    const html = await runReportHtml(reportInput());
    expect(/\s(src|href|xlink:href)=/i.test(html), 'a src or href attribute').toBe(false);
    expect(/@import|url\(/.test(html), 'a stylesheet fetch').toBe(false);
    const urls = new Set(html.match(/https?:\/\/[^"' )]+/g));
    expect([...urls].sort()).toEqual(['http://www.w3.org/1999/xlink', 'http://www.w3.org/2000/svg']);
    expect(tags(html, 'script'), 'one script, the page’s own').toHaveLength(1);
  });

  it('escapes a strategy name, a config value and a routing reason, in the tables and in the charts', async () => {
    const html = await runReportHtml(reportInput({ rename: HOSTILE, reason: HOSTILE }));
    expect(html.includes('<img'), 'an <img> tag made from data').toBe(false);
    expect(/<[^>]*\sonerror="/.test(html), 'an onerror attribute made from data').toBe(false);
    expect(html.includes(`<dt>note</dt><dd>${escapeHtml(HOSTILE)}</dd>`), 'the config value').toBe(true);
    expect(html.includes(`<tr data-strategy-row="${escapeHtml(HOSTILE)}">`), 'the strategy').toBe(true);
    expect(html.includes(`<td class="reason">${escapeHtml(HOSTILE)}</td>`), 'the reason').toBe(true);
    expect(html.includes(`strategy: &lt;img src=x onerror=&quot;alert('x')&quot;&gt;&amp;`), 'vega escapes the name in the SVG labels').toBe(true);
    expect(tags(html, 'script')).toHaveLength(1);
  });

  it('draws no load or cache panels for a run without sampled occupancy', async () => {
    const input = reportInput();
    const html = await runReportHtml({ ...input, occupancy: {} });
    expect(html.includes('KV blocks held'), 'a cache panel').toBe(false);
    expect(html.includes('requests routed per window'), 'the routed panel').toBe(true);
  });
});

describe('sweepReportHtml', () => {
  const row = (strategy: string, workers: number, hit: number, p99: number, front: boolean, best: string[] = []): SweepReportRow => ({
    label: `${strategy} · workers=${workers}`,
    levels: { strategy, workers },
    blockHitRate: hit,
    tokenHitRate: hit,
    ofIdeal: hit / 0.8,
    ttftP50: p99 / 2,
    ttftP99: p99,
    e2eP99: p99 * 3,
    loadImbalance: 1.1,
    completed: 60,
    rejected: 0,
    failed: 0,
    front,
    best,
  });
  const rows = [row('cache-aware', 2, 0.6, 300, true, ['highest block hit rate']), row('round-robin', 2, 0.3, 200, true, ['lowest TTFT p99']), row('round-robin', 4, 0.2, 250, false)];
  const input: SweepReportInput = {
    name: 'small',
    scenario: 'replay',
    settings: { trace: 'trace.jsonl', 'strategy (levels)': ['cache-aware', 'round-robin'], 'workers (levels)': [2, 4] },
    factors: ['strategy', 'workers'],
    rows,
    plot: { scenario: 'replay', points: rows.map((r) => ({ label: r.label, levels: r.levels, hit: r.blockHitRate, p99: r.ttftP99, front: r.front })) },
  };

  it('holds the settings, the Pareto chart and a row per configuration with its share of the ideal and its marks', async () => {
    const html = await sweepReportHtml(input);
    expect(html).toContain('<title>Sweep small</title>');
    expect(html).toContain('<dt>strategy (levels)</dt><dd>cache-aware, round-robin</dd>');
    expect([...html.matchAll(/<figure data-chart="([^"]*)"/g)].map((m) => m[1])).toEqual(['sweep-pareto']);
    const body = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>'));
    expect(body.match(/<tr/g)).toHaveLength(3);
    expect(body).toContain('75.0%');
    expect(body).toContain('◆ best: highest block hit rate');
    expect(await sweepReportHtml({ ...input, heatmap: { x: 'strategy', y: 'workers' } })).toContain('data-chart="sweep-heatmap"');
  });

  it('gives the same bytes for the same rows', async () => {
    expect((await sweepReportHtml(input)) === (await sweepReportHtml(input))).toBe(true);
  });
});

