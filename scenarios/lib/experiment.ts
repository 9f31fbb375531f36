// Runs one workload under every chosen strategy, each on a fresh cluster with the identical
// request stream, one after another or on `jobs` worker threads; then writes results.json and the
// plots, and prints the table.

import { relative } from 'node:path';
import type { Cluster } from '../../src/actors/cluster.ts';
import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import { runStrategy, type StrategyRun } from '../../src/experiment/run-strategy.ts';
import { createThreadPool, runOnLanes, type ThreadPool } from '../../src/experiment/thread-pool.ts';
import type { TokenSource } from '../../src/model/token-source.ts';
import type { JsonObject } from '../../src/report/config.ts';
import { resolvePlotFont } from '../../src/report/fonts.ts';
import { PLOT_NAMES, writePlots } from '../../src/report/plots.ts';
import { createProgress } from '../../src/report/progress.ts';
import { writeRequestsJsonl } from '../../src/report/requests-jsonl.ts';
import { buildResults, writeResults, type RunInput } from '../../src/report/results.ts';
import { writeRunReport } from '../../src/report/html/run-report.ts';
import type { OccupancySeries } from '../../src/metrics/occupancy.ts';
import { formatTable, wantsColor } from '../../src/report/table.ts';
import { allRejectedLines } from './all-rejected.ts';
import type { StrategyName } from '../../src/routing/strategies.ts';
import type { WorkloadDriver } from '../../src/workload/driver.ts';
import { threadRun, type DrawnPlots, type PlotTask, type StrategyTask, type ThreadRun } from './experiment-worker.ts';

export interface Experiment {
  readonly scenario: string;
  readonly seed: number;
  readonly strategies: readonly StrategyName[];
  /** Cluster settings shared by every run (the strategy and the tokens are set per run). */
  readonly cluster: Omit<ClusterOptions, 'strategy' | 'tokens'>;
  readonly tokens: TokenSource;
  /** A fresh driver over the same requests, for each run. */
  readonly driver: () => WorkloadDriver;
  /** The scenario's settings, written to results.json. */
  readonly config: JsonObject;
  readonly out: string;
  readonly quiet: boolean;
  /** Worker threads to run the strategies and draw the plots on (see experimentPool); null: all in this thread, one after another. */
  readonly pool: ExperimentPool | null;
  /** What a worker thread needs to run one strategy on its own (see experiment-worker.ts). */
  readonly task: (strategy: StrategyName) => StrategyTask;
  /** Sees each run's cluster before it runs (the live dashboard); only runs in this thread have one. */
  readonly watch?: (cluster: Cluster, strategy: StrategyName) => void;
}

export type ExperimentPool = ThreadPool<StrategyTask | PlotTask, ThreadRun | DrawnPlots>;

/**
 * `threads` worker threads besides this one (none: null). Created early, the threads start while
 * the workload is built. This thread runs its share too: with `--jobs N`, N − 1 threads and this.
 */
export function experimentPool(threads: number): ExperimentPool | null {
  return threads >= 1 ? createThreadPool(WORKER, threads, { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }) : null;
}

/** The threads' module: built, the worker itself; under tsx, an entry that registers tsx first. */
const WORKER = import.meta.url.endsWith('.ts') ? new URL('./experiment-worker-entry.mjs', import.meta.url) : new URL('./experiment-worker.js', import.meta.url);

/** The threads `jobs` asks for besides this one, for `tasks` tasks. */
export const extraThreads = (jobs: number, tasks: number): number => Math.min(jobs, tasks) - 1;

/**
 * A run's garbage is short-lived messages and records: a large young generation lets it die
 * there instead of being promoted. `--strategy all --jobs 2` on the conversation trace took
 * 18.6–18.9 s with the default, 16.3–16.9 s at 48 MB, 14.8–15.3 s at 192 MB (same results).
 */
const YOUNG_GENERATION_MB = 192;

/** Runs every strategy and reports; returns the path of results.json. Ends the pool's threads. */
export async function runExperiment(experiment: Experiment): Promise<string> {
  const started = performance.now();
  const pool = experiment.pool;
  try {
    const { runs, jsonl, occupancy } = pool === null ? await runHere(experiment) : await runOnPool(experiment, pool);
    const results = buildResults({
      scenario: experiment.scenario,
      seed: experiment.seed,
      config: experiment.config,
      runs,
      wallTotalMs: performance.now() - started,
    });
    const font = resolvePlotFont();
    if (font.warning !== undefined) console.error(`warning: ${font.warning}`);
    // With threads, the plots are drawn there while this thread writes the results.
    const plotted: Promise<DrawnPlots> =
      pool === null
        ? writePlots(experiment.out, results, { font })
        : Promise.all(PLOT_NAMES.map((name) => pool.run({ kind: 'plot', dir: experiment.out, input: results, name, font }) as Promise<DrawnPlots>)).then((drawn) => ({
            files: drawn.flatMap((d) => d.files),
            svgs: Object.assign({}, ...drawn.map((d) => d.svgs)) as DrawnPlots['svgs'],
          }));
    plotted.catch(() => undefined); // awaited below; not an unhandled rejection if writing the results fails first
    const path = await writeResults(experiment.out, results);
    const requests = jsonl();
    await writeRequestsJsonl(experiment.out, requests);
    const { files, svgs } = await plotted;
    // The page shows the plots as drawn for their files.
    const report = await writeRunReport(experiment.out, { results, requestsJsonl: requests, occupancy, charts: svgs });
    if (!experiment.quiet) {
      console.log('');
      console.log(`${experiment.scenario} · seed ${experiment.seed}`);
      console.log(formatTable(results.runs, { color: wantsColor(process.stdout) }));
      console.log(`\nresults: ${relative(process.cwd(), path) || path}, requests.jsonl; plots: ${files.filter((f) => f.endsWith('.png')).length} PNG in ${relative(process.cwd(), experiment.out) || '.'}`);
      console.log(`report: ${relative(process.cwd(), report) || report} (open it in a browser)`);
    } else {
      console.log(path);
    }
    const refused = allRejectedLines(results.runs, requests);
    for (const line of refused) console.error(`error: ${line}`);
    if (refused.length > 0) process.exitCode = 1;
    return path;
  } finally {
    await pool?.destroy();
  }
}

/** The runs for results.json, and requests.jsonl's text (joined when asked, once the results are written). */
interface Ran {
  readonly runs: RunInput[];
  readonly jsonl: () => string;
  /** Each run's sampled occupancy, by strategy. */
  readonly occupancy: Readonly<Record<string, OccupancySeries>>;
}

function logRun(experiment: Experiment, strategy: StrategyName, summary: StrategyRun['summary'], wallMs: number): void {
  if (experiment.quiet) return;
  console.log(`${strategy}: ${summary.requests.completed} completed, ${summary.requests.rejected} rejected, ${summary.requests.failed} failed in ${(wallMs / 1000).toFixed(1)} s (${(summary.simulatedMs / 1000).toFixed(1)} s simulated)`);
}

/**
 * The strategies one after another in this thread, each with its progress bar. Each run is turned
 * into what the report reads (threadRun) as it ends, so that one run's records are all that is
 * ever held: `--strategy all` kept twelve runs' records, ~1.2 GB peak on the conversation trace.
 */
async function runHere(experiment: Experiment): Promise<Ran> {
  const runs: ThreadRun[] = [];
  for (const strategy of experiment.strategies) {
    const driver = experiment.driver();
    const progress = createProgress({ total: driver.progress().total, label: strategy, enabled: !experiment.quiet });
    let run: ThreadRun;
    try {
      const watch = experiment.watch;
      run = await runInThisThread(experiment, strategy, driver, (at) => {
        progress.update(driver.progress().finished, { simulatedMs: at });
      }, watch === undefined ? undefined : (cluster) => watch(cluster, strategy));
    } finally {
      progress.stop();
    }
    runs.push(run);
    logRun(experiment, strategy, run.summary, run.wallMs);
  }
  return ran(experiment.strategies, runs);
}

/** One strategy on this thread's workload, as the report reads it. */
async function runInThisThread(
  experiment: Experiment,
  strategy: StrategyName,
  driver: WorkloadDriver,
  onEnd?: (at: number) => void,
  watch?: (cluster: Cluster) => void,
): Promise<ThreadRun> {
  const t0 = performance.now();
  const run = await runStrategy({ ...experiment.cluster, strategy, tokens: experiment.tokens }, driver, onEnd, watch);
  return threadRun(strategy, run, performance.now() - t0, true);
}

/** The runs for results.json from each strategy's ThreadRun, in strategy order. */
function ran(strategies: readonly StrategyName[], runs: readonly ThreadRun[]): Ran {
  return {
    runs: strategies.map((strategy, i): RunInput => {
      const { summary, ideal, details, wallMs } = runs[i]!;
      return { strategy, summary, ideal, details, wallMs };
    }),
    jsonl: () => runs.map((r) => r.jsonl).join(''),
    occupancy: Object.fromEntries(strategies.map((s, i) => [s, runs[i]!.occupancy])),
  };
}

/** The strategies side by side, on this thread and the pool's; a bar over their requests, each strategy counted when it ends. */
async function runOnPool(experiment: Experiment, pool: ExperimentPool): Promise<Ran> {
  const requests = experiment.driver().progress().total;
  const strategies = experiment.strategies;
  const progress = createProgress({ total: requests * strategies.length, label: `${strategies.length} strategies on ${pool.threads + 1} threads`, enabled: !experiment.quiet });
  let ended = 0;
  // This thread runs on the workload it built; the pool's threads build theirs from the flags.
  const here = (strategy: StrategyName): Promise<ThreadRun> => runInThisThread(experiment, strategy, experiment.driver());
  const onPool = async (strategy: StrategyName) => (await pool.run(experiment.task(strategy))) as ThreadRun;
  let results: ThreadRun[];
  try {
    results = await runOnLanes(strategies, [here, ...Array.from({ length: pool.threads }, () => onPool)], () => progress.update(++ended * requests));
  } finally {
    progress.stop();
  }
  strategies.forEach((strategy, i) => logRun(experiment, strategy, results[i]!.summary, results[i]!.wallMs));
  return ran(strategies, results);
}
