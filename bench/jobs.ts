// `--strategy all --jobs 2` against `--jobs 1` (issue 13): the conversation trace, 12 strategies,
// dummy tokens, whole processes, interleaved; the figure that counts is the ratio of the medians.
// Also checks that both wrote the same results (wall times aside) and the same requests.jsonl,
// and measures what two cores give here at all: one replay alone against two at once, so that
// the best a 2-way split can reach on this machine is printed beside the ratio.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable, timeJobs } from './measure.ts';

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

/** Wall seconds until every one of `commands` (started at once) has exited 0. */
async function together(commands: readonly (readonly string[])[]): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    commands.map(
      ([command, ...args]) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(command!, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          child.on('error', reject);
          child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}:\n${stderr}`))));
        }),
    ),
  );
  return (performance.now() - t0) / 1000;
}

/**
 * One single-strategy replay alone, and two at once as two processes, interleaved: with N equal
 * runs on 2 lanes, `--jobs 2` can at best take pair / (2 × alone) of `--jobs 1`'s time.
 */
async function twoCores(dir: string, runs: number): Promise<{ aloneS: number; pairS: number; bestRatio: number }> {
  const replay = (i: number) => [tsx, join(root, 'scenarios/replay.ts'), trace, '--strategy', 'cache-aware', '--model', 'dummy', '--quiet', '--jobs', '1', '--out', join(dir, `pair-${i}`)];
  const alone: number[] = [];
  const pair: number[] = [];
  for (let i = 0; i < runs; i++) {
    alone.push(await together([replay(0)]));
    pair.push(await together([replay(0), replay(1)]));
  }
  return { aloneS: median(alone), pairS: median(pair), bestRatio: median(pair) / (2 * median(alone)) };
}

export async function benchJobs(): Promise<Record<string, number>> {
  if (!existsSync(trace)) {
    console.log(`\n--jobs: skipped, ${trace} is missing (it sits beside the project in CI)`);
    return {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'scr-bench-jobs-'));
  try {
    const figures = timeJobs(tsx, root, RUNS, (jobs) => [join(root, 'scenarios/replay.ts'), trace, '--strategy', 'all', '--model', 'dummy', '--quiet', '--jobs', String(jobs), '--out', join(dir, `jobs-${jobs}`)]);
    const cores = await twoCores(dir, RUNS);
    const same =
      deterministic(join(dir, 'jobs-1')) === deterministic(join(dir, 'jobs-2')) &&
      readFileSync(join(dir, 'jobs-1/requests.jsonl')).equals(readFileSync(join(dir, 'jobs-2/requests.jsonl')));
    printTable(`--strategy all on the conversation trace, dummy tokens: whole process, medians of ${RUNS}, interleaved`, [
      { measure: '--jobs 1', value: `${figures.jobs1S.toFixed(1)} s` },
      { measure: '--jobs 2', value: `${figures.jobs2S.toFixed(1)} s` },
      { measure: 'ratio (target ≤ 0.65)', value: figures.ratio.toFixed(2) },
      { measure: 'same results and requests.jsonl', value: same ? 'yes' : 'NO' },
      { measure: 'one cache-aware replay alone / two at once (two processes)', value: `${cores.aloneS.toFixed(2)} s / ${cores.pairS.toFixed(2)} s` },
      { measure: '  so the best --jobs 2 can do here', value: cores.bestRatio.toFixed(2) },
    ]);
    return { ...figures, ...cores };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
