// A worker thread of `--jobs N`. A strategy task builds the scenario's workload from the flags
// (once per thread) and runs one strategy on it, as the main thread would; a plot task draws one
// plot of the results.

import { runStrategy, type StrategyRun } from '../../src/experiment/run-strategy.ts';
import type { IdealSummary } from '../../src/metrics/ideal-reuse.ts';
import type { OccupancySeries } from '../../src/metrics/occupancy.ts';
import type { RunSummary } from '../../src/metrics/summary.ts';
import { memoizeTokens } from '../../src/model/memo-source.ts';
import type { PlotFont } from '../../src/report/fonts.ts';
import { writePlots, type PlotInput, type PlotName, type WrittenPlots } from '../../src/report/plots.ts';
import { requestsJsonl } from '../../src/report/requests-jsonl.ts';
import { runDetails, type RunDetails } from '../../src/report/results.ts';
import type { StrategyName } from '../../src/routing/strategies.ts';
import { clusterFromFlags, workloadKey } from './cluster-flags.ts';
import { buildWorkload, type ScenarioFlags, type ScenarioName, type Workload } from './workloads.ts';

export interface StrategyTask {
  readonly kind: 'strategy';
  readonly scenario: ScenarioName;
  readonly flags: ScenarioFlags[ScenarioName];
  readonly strategy: StrategyName;
  /** Whether to make the run's requests.jsonl lines (a sweep keeps none); true by default. */
  readonly requests?: boolean;
}

export interface PlotTask {
  readonly kind: 'plot';
  readonly dir: string;
  readonly input: PlotInput;
  readonly name: PlotName;
  readonly font: PlotFont;
}

/**
 * A strategy's run as the main thread needs it: what results.json reads of its records and its
 * requests.jsonl lines are made here, so that 12,000 records per run never cross threads.
 */
export interface ThreadRun {
  readonly summary: RunSummary;
  readonly ideal: IdealSummary;
  readonly details: RunDetails;
  /** Its lines of requests.jsonl. */
  readonly jsonl: string;
  /** Its workers' sampled occupancy, for report.html. */
  readonly occupancy: OccupancySeries;
  readonly wallMs: number;
}

// Several threads share the cores: each model gets one ONNX Runtime thread.
const MODEL_THREADS = 1;
let built: { key: string; workload: Workload } | undefined;

async function runStrategyTask(task: StrategyTask): Promise<ThreadRun> {
  const key = workloadKey(task.scenario, task.flags);
  if (built?.key !== key) {
    const workload = await buildWorkload(task.scenario, task.flags, MODEL_THREADS);
    // Strategies this thread runs later read the model's answers back.
    built = { key, workload: { ...workload, tokens: memoizeTokens(workload.tokens) } };
  }
  const { workload } = built;
  const t0 = performance.now();
  const run = await runStrategy({ ...clusterFromFlags(task.flags).cluster, strategy: task.strategy, tokens: workload.tokens }, workload.driver());
  return threadRun(task.strategy, run, performance.now() - t0, task.requests !== false);
}

/** What the main thread keeps of a strategy's run: its summary, its results details and (if `requests`) its requests.jsonl lines. */
export function threadRun(strategy: StrategyName, run: StrategyRun, wallMs: number, requests: boolean): ThreadRun {
  return {
    summary: run.summary,
    ideal: run.ideal,
    details: runDetails(run.summary, run.records, { blockSize: run.blockSize }),
    jsonl: requests ? requestsJsonl([{ strategy, records: run.records }], { blockSize: run.blockSize }) : '',
    occupancy: run.occupancy,
    wallMs,
  };
}

/** Plots as a thread or the main thread drew them: the files written and each SVG, for the page. */
export type DrawnPlots = Pick<WrittenPlots, 'files' | 'svgs'>;

/** Runs one task; its result goes back to the main thread. */
export default async function runTask(task: StrategyTask | PlotTask): Promise<ThreadRun | DrawnPlots> {
  if (task.kind === 'strategy') return runStrategyTask(task);
  const { files, svgs } = await writePlots(task.dir, task.input, { font: task.font, only: [task.name] });
  return { files, svgs };
}
