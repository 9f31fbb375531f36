// A sweep's 8 configurations (4 strategies × 2 worker counts on the conversation trace, dummy
// tokens) with `--jobs 2` against `--jobs 1` (issue 14): whole processes, interleaved, each into a
// fresh folder (a rerun would skip what is stored); the figure that counts is the ratio of the
// medians. Also checks that both wrote the same sweep.csv rows (wall times aside).

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, timeJobs } from './measure.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const trace = join(root, '../shared/traces/conversation_trace.jsonl');
const tsx = join(root, 'node_modules/.bin/tsx');
const RUNS = 3;

/** sweep.csv without its wall column. */
const rows = (dir: string) => readFileSync(join(dir, 'sweep.csv'), 'utf8').trim().split('\n').map((l) => l.slice(0, l.lastIndexOf(',')));

export async function benchSweep(): Promise<Record<string, number>> {
  if (!existsSync(trace)) {
    console.log(`\nsweep --jobs: skipped, ${trace} is missing (it sits beside the project in CI)`);
    return {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'scr-bench-sweep-'));
  try {
    const file = join(dir, 'sweep.json');
    writeFileSync(file, JSON.stringify({ scenario: 'replay', args: { trace, model: 'dummy' }, factors: { strategy: ['cache-aware', 'round-robin', 'dynamo', 'llm-d'], workers: [4, 8] } }));
    // A fresh folder each time: a rerun would skip what is stored.
    const figures = timeJobs(tsx, root, RUNS, (jobs, i) => [join(root, 'scenarios/sweep.ts'), file, '--quiet', '--jobs', String(jobs), '--out', join(dir, `run-${i}-jobs-${jobs}`)]);
    const same = JSON.stringify(rows(join(dir, 'run-0-jobs-1'))) === JSON.stringify(rows(join(dir, 'run-0-jobs-2')));
    printTable(`A sweep of 8 configurations on the conversation trace, dummy tokens: whole process, medians of ${RUNS}, interleaved`, [
      { measure: 'sweep.ts --jobs 1', value: `${figures.jobs1S.toFixed(1)} s` },
      { measure: 'sweep.ts --jobs 2', value: `${figures.jobs2S.toFixed(1)} s` },
      { measure: 'ratio (target ≤ 0.6)', value: figures.ratio.toFixed(2) },
      { measure: 'same sweep.csv rows', value: same ? 'yes' : 'NO' },
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
