// The example sweeps of examples/sweeps/, run as a user runs them, and the README's tables of their
// results: generated here, so they cannot go stale (UPDATE_README=1 rewrites them).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sweepMarkdown, type SweepDocument } from '../../src/experiment/sweep-rows.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = join(root, 'README.md');
const traces = join(root, '../shared/traces');
const haveTraces = existsSync(traces);
if (!haveTraces) console.warn(`skipping the example sweeps: ${traces} is missing (it sits beside the project in CI)`);

const block = (name: string, table: string) => `<!-- sweep-table:${name} -->\n${table}\n<!-- /sweep-table:${name} -->`;
const blockPattern = (name: string) => new RegExp(`<!-- sweep-table:${name} -->\\n(?:[\\s\\S]*?\\n)?<!-- /sweep-table:${name} -->`);

function runExample(file: string): SweepDocument {
  const out = mkdtempSync(join(tmpdir(), 'scr-example-sweep-'));
  const result = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scenarios/sweep.ts'), join(root, 'examples/sweeps', file), '--out', out, '--quiet'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepDocument;
}

function expectReadme(name: string, document: SweepDocument): void {
  const expected = block(name, sweepMarkdown(document, document.rows));
  const text = readFileSync(readme, 'utf8');
  if (process.env['UPDATE_README'] === '1') writeFileSync(readme, text.replace(blockPattern(name), expected));
  else expect(text, `README's ${name} table is stale: run UPDATE_README=1 npx vitest run test/scenarios/sweep-examples.test.ts`).toContain(expected);
}

describe.runIf(haveTraces)('examples/sweeps', () => {
  it('strategy × KV-event delay on the conversation trace: a stale view costs hit rate only past seconds, and not SGLang, which reads no events', () => {
    const document = runExample('strategy-kv-delay.json');
    expect(document.rows).toHaveLength(16);
    const hit = (strategy: string, delay: string) => document.rows.find((r) => r.levels['strategy'] === strategy && r.levels['kv-delay'] === delay)!.blockHitRate;
    for (const strategy of ['cache-aware', 'dynamo', 'llm-d']) expect(hit(strategy, '60s'), strategy).toBeLessThan(hit(strategy, '0ms') - 0.02);
    expect(new Set(['0ms', '1s', '10s', '60s'].map((d) => hit('sglang', d))).size).toBe(1);
    expectReadme('strategy-kv-delay', document);
  }, 180_000);

  it('capacity × workers on the synthetic trace: more cache and more workers raise the hit rate; the smallest cache rejects prompts that never fit', () => {
    const document = runExample('capacity-workers.yaml');
    expect(document.rows).toHaveLength(9);
    const row = (capacity: number, workers: number) => document.rows.find((r) => r.levels['capacity'] === capacity && r.levels['workers'] === workers)!;
    for (const workers of [4, 8, 16]) expect(row(924, workers).blockHitRate).toBeGreaterThan(row(231, workers).blockHitRate);
    for (const capacity of [231, 462, 924]) expect(row(capacity, 16).blockHitRate).toBeGreaterThan(row(capacity, 4).blockHitRate);
    expect(row(231, 4).rejected).toBeGreaterThan(0);
    expect(row(924, 4).rejected).toBe(0);
    expectReadme('capacity-workers', document);
  }, 180_000);

  it("free-queue order on the conversation trace: vLLM's tail placement of freed partial blocks against head placement, which spares cached blocks a little longer", () => {
    const document = runExample('free-queue.json');
    expect(document.rows).toHaveLength(8);
    const hit = (strategy: string, where: string) => document.rows.find((r) => r.levels['strategy'] === strategy && r.levels['uncached-freed'] === where)!.blockHitRate;
    for (const strategy of ['cache-aware', 'dynamo', 'llm-d']) expect(hit(strategy, 'head'), strategy).toBeGreaterThan(hit(strategy, 'tail'));
    expectReadme('free-queue', document);
  }, 180_000);
});
