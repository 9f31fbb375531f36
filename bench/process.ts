// The whole process as a user runs it, against the floor (issue 13): `node floor-lite.mjs` only
// parses the conversation trace and chain-hashes its prompt blocks, which no replay can skip. Runs
// are interleaved (floor, replay, floor, replay, …) so that the machine's noise hits both; the
// figure that counts is the ratio of the medians. A second row replays a 20,000-request trace with
// 200-token outputs and reports simulated time over wall time.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable } from './measure.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const shared = join(root, '../shared');
const trace = join(shared, 'traces/conversation_trace.jsonl');
const floorScript = join(shared, 'bench/floor-lite.mjs');
const tsx = join(root, 'node_modules/.bin/tsx');
const builtCli = join(root, 'dist/scenarios/cli.js');
const RUNS = 5;

/** Wall seconds and peak RSS (MiB, when /usr/bin/time exists) of one process. */
function timed(command: string, args: readonly string[]): { s: number; rssMiB: number | null } {
  const gnuTime = existsSync('/usr/bin/time');
  const t0 = performance.now();
  const result = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'maxrss=%M', command, ...args], { cwd: root, encoding: 'utf8' })
    : spawnSync(command, args, { cwd: root, encoding: 'utf8' });
  const s = (performance.now() - t0) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  const kb = /maxrss=(\d+)/.exec(result.stderr ?? '')?.[1];
  return { s, rssMiB: kb === undefined ? null : Number(kb) / 1024 };
}

/** A trace of `n` requests from the conversation trace's lines, shifted in time, with `output` tokens each. */
function longTrace(dir: string, n: number, output: number): string {
  const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { timestamp: number; hash_ids: number[]; input_length: number });
  const span = lines.at(-1)!.timestamp + 1_000;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const line = lines[i % lines.length]!;
    const lap = Math.floor(i / lines.length);
    out.push(JSON.stringify({ ...line, timestamp: line.timestamp + lap * span, output_length: output }));
  }
  const path = join(dir, `trace-${n}.jsonl`);
  writeFileSync(path, `${out.join('\n')}\n`);
  return path;
}

export async function benchProcess(): Promise<Record<string, number>> {
  if (!existsSync(trace) || !existsSync(floorScript)) {
    console.log(`\nwhole process against the floor: skipped, ${shared} is missing (it sits beside the project in CI)`);
    return {};
  }
  const dir = mkdtempSync(join(tmpdir(), 'scr-bench-'));
  try {
    const flags = (path: string, extra: string[] = []) => [path, '--strategy', 'cache-aware', '--model', 'dummy', '--quiet', '--out', join(dir, 'out'), ...extra];
    const replay = (path: string, extra: string[] = []) => [join(root, 'scenarios/replay.ts'), ...flags(path, extra)];
    // The package's command as an installed user runs it: the build, without tsx (`npm install` builds it).
    const bin = existsSync(builtCli) ? (path: string, extra: string[] = []) => [builtCli, 'replay', ...flags(path, extra)] : null;
    const floor: number[] = [];
    const ours: number[] = [];
    const built: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      floor.push(timed(process.execPath, [floorScript, trace]).s);
      const run = timed(tsx, replay(trace));
      ours.push(run.s);
      if (run.rssMiB !== null) rss.push(run.rssMiB);
      if (bin !== null) built.push(timed(process.execPath, bin(trace)).s);
    }
    const longRun = timed(tsx, replay(longTrace(dir, 20_000, 200), ['--output-scale', '1']));
    const simulatedMs = (JSON.parse(readFileSync(join(dir, 'out/results.json'), 'utf8')) as { runs: { simulatedMs: number }[] }).runs[0]!.simulatedMs;
    const figures = {
      floorS: median(floor),
      replayS: median(ours),
      ratio: median(ours) / median(floor),
      replayRssMiB: rss.length > 0 ? median(rss) : NaN,
      builtS: built.length > 0 ? median(built) : NaN,
      builtRatio: built.length > 0 ? median(built) / median(floor) : NaN,
      long20kS: longRun.s,
      long20kRealTime: simulatedMs / 1000 / longRun.s,
    };
    printTable(`Whole process, conversation trace (12,031 requests), cache-aware, 8 workers, dummy tokens: medians of ${RUNS}, interleaved`, [
      { measure: 'floor: node floor-lite.mjs (parse + chain-hash)', value: `${figures.floorS.toFixed(2)} s` },
      { measure: 'tsx scenarios/replay.ts … --strategy cache-aware --model dummy', value: `${figures.replayS.toFixed(2)} s` },
      { measure: 'ratio (target ≤ 3)', value: `${figures.ratio.toFixed(1)}×` },
      { measure: 'node dist/scenarios/cli.js replay … (the built command)', value: Number.isNaN(figures.builtS) ? 'n/a (not built: npm run build)' : `${figures.builtS.toFixed(2)} s` },
      { measure: '  its ratio', value: Number.isNaN(figures.builtRatio) ? 'n/a' : `${figures.builtRatio.toFixed(1)}×` },
      { measure: 'peak RSS of the replay (target ≤ 250 MiB)', value: Number.isNaN(figures.replayRssMiB) ? 'n/a (no /usr/bin/time)' : `${figures.replayRssMiB.toFixed(0)} MiB` },
      { measure: '20,000 requests, 200-token outputs: wall', value: `${figures.long20kS.toFixed(1)} s` },
      { measure: '  simulated / wall (target ≥ 1,500×)', value: `${figures.long20kRealTime.toFixed(0)}×` },
    ]);
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
