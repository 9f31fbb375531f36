// `--strategy all --jobs 2` against `--jobs 1` (issue 13): the conversation trace, 12 strategies,
// dummy tokens, whole processes, interleaved; the figure that counts is the ratio of the medians.
// Also checks that both wrote the same results (wall times aside) and the same requests.jsonl.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, timeJobs } from './measure.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const trace = join(root, '../shared/traces/conversation_trace.jsonl');
const tsx = join(root, 'node_modules/.bin/tsx');
const RUNS = 3;

/** results.json without its wall times. */
function deterministic(dir: string): string {
  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Record<string, unknown>;
  delete results['wall'];
  return JSON.stringify(results);
}

export async function benchJobs(): Promise<Record<string, number>> {
  if (!existsSync(trace)) {
    console.log(`\n--jobs: skipped, ${trace} is missing (it sits beside the project in CI)`);
    return {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'scr-bench-jobs-'));
  try {
    const figures = timeJobs(tsx, root, RUNS, (jobs) => [join(root, 'scenarios/replay.ts'), trace, '--strategy', 'all', '--model', 'dummy', '--quiet', '--jobs', String(jobs), '--out', join(dir, `jobs-${jobs}`)]);
    const same =
      deterministic(join(dir, 'jobs-1')) === deterministic(join(dir, 'jobs-2')) &&
      readFileSync(join(dir, 'jobs-1/requests.jsonl')).equals(readFileSync(join(dir, 'jobs-2/requests.jsonl')));
    printTable(`--strategy all on the conversation trace, dummy tokens: whole process, medians of ${RUNS}, interleaved`, [
      { measure: '--jobs 1', value: `${figures.jobs1S.toFixed(1)} s` },
      { measure: '--jobs 2', value: `${figures.jobs2S.toFixed(1)} s` },
      { measure: 'ratio (target ≤ 0.65)', value: figures.ratio.toFixed(2) },
      { measure: 'same results and requests.jsonl', value: same ? 'yes' : 'NO' },
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
