// The README's quick-start table, checked: `npx tsx scenarios/rag.ts` at its defaults prints it.
// The README shows the tiny GPT-2's run; every RAG request generates its full length (ignoreEos)
// and no prompt contains an earlier answer, so the numbers do not depend on the tokens: the test
// shows that on a small run (tiny = dummy), then checks the full table with the fast dummy tokens.
// UPDATE_README=1 rewrites the table.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = join(root, 'README.md');

function rag(args: string[]): { stdout: string; results: Record<string, unknown> } {
  const out = mkdtempSync(join(tmpdir(), 'scr-quick-'));
  const result = spawnSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scenarios/rag.ts'), '--out', out, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  expect(result.status, result.stderr).toBe(0);
  const { wall: _wall, config, ...results } = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Record<string, unknown> & { config: Record<string, unknown> };
  return { stdout: result.stdout, results: { ...results, config: { ...config, model: 'any' } } };
}

describe("the README's quick start", () => {
  it('gives the same numbers with the tiny GPT-2 and with dummy tokens (a small run)', () => {
    const args = ['--requests', '30', '--strategy', 'cache-aware,round-robin', '--jobs', '1', '--quiet'];
    expect(rag([...args, '--model', 'tiny']).results).toEqual(rag([...args, '--model', 'dummy']).results);
  }, 120_000);

  it("prints the README's table at the defaults", () => {
    const { stdout } = rag(['--model', 'dummy']);
    const table = stdout.slice(stdout.indexOf('rag · seed 1'), stdout.indexOf('ideal: the block hit rate'));
    expect(table.split('\n').length).toBeGreaterThan(15);
    const text = readFileSync(readme, 'utf8');
    const start = text.indexOf('rag · seed 1');
    const current = text.slice(start, text.indexOf('ideal: the block hit rate', start));
    if (process.env['UPDATE_README'] === '1') writeFileSync(readme, text.replace(current, table));
    else expect(current, 'the quick-start table is stale: run UPDATE_README=1 npx vitest run test/scenarios/quick-start.test.ts').toBe(table);
  }, 120_000);
});
