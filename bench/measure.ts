// A thin wrapper over tinybench: run named tasks, return each one's mean time per call.

import { Bench } from 'tinybench';
import { spawnSync } from 'node:child_process';

export interface Measured {
  readonly name: string;
  /** Mean wall time of one call, in nanoseconds. */
  readonly nsPerCall: number;
  /** 99th percentile of one call, in nanoseconds. */
  readonly p99Ns: number;
  readonly samples: number;
}

/** Runs each task for about `ms` milliseconds after a warm-up and reports its per-call times. */
export async function measure(tasks: Record<string, () => void>, ms = 800): Promise<Measured[]> {
  const bench = new Bench({ time: ms, warmupTime: 200 });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`bench task '${task.name}' ended in state ${result.state}`);
    return {
      name: task.name,
      nsPerCall: result.latency.mean * 1e6,
      p99Ns: (result.latency.p99 ?? result.latency.mean) * 1e6,
      samples: result.latency.samplesCount,
    };
  });
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Prints rows as an aligned table with a title. */
export function printTable(title: string, rows: readonly Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  console.table(rows);
}

/** The jobs figures of a whole-process command: medians of `--jobs 1` and `--jobs 2` wall seconds over `runs` interleaved pairs, and their ratio. */
export type JobsFigures = Record<'jobs1S' | 'jobs2S' | 'ratio', number>;

/** Runs `args(jobs, run)` with tsx as whole processes, `--jobs 1` then `--jobs 2`, `runs` times, interleaved so the machine's noise hits both. */
export function timeJobs(tsx: string, cwd: string, runs: number, args: (jobs: 1 | 2, run: number) => string[]): JobsFigures {
  const wall: Record<1 | 2, number[]> = { 1: [], 2: [] };
  for (let i = 0; i < runs; i++) {
    for (const jobs of [1, 2] as const) {
      const t0 = performance.now();
      const result = spawnSync(tsx, args(jobs, i), { cwd, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`${args(jobs, i).join(' ')} failed:\n${result.stderr}`);
      wall[jobs].push((performance.now() - t0) / 1000);
    }
  }
  return { jobs1S: median(wall[1]), jobs2S: median(wall[2]), ratio: median(wall[2]) / median(wall[1]) };
}
