// Runs one workload under every chosen strategy, each on a fresh cluster with the identical
// request stream, in one process; then writes results.json and the plots, and prints the table.

import { relative } from 'node:path';
import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import { runStrategy } from '../../src/experiment/run-strategy.ts';
import type { TokenSource } from '../../src/model/token-source.ts';
import type { JsonObject } from '../../src/report/config.ts';
import { writePlots } from '../../src/report/plots.ts';
import { createProgress } from '../../src/report/progress.ts';
import { writeRequestsJsonl } from '../../src/report/requests-jsonl.ts';
import { buildResults, writeResults, type RunInput } from '../../src/report/results.ts';
import { formatTable, wantsColor } from '../../src/report/table.ts';
import type { StrategyName } from '../../src/routing/strategies.ts';
import type { WorkloadDriver } from '../../src/workload/driver.ts';

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
}

/** Runs every strategy and reports; returns the path of results.json. */
export async function runExperiment(experiment: Experiment): Promise<string> {
  const runs: RunInput[] = [];
  const log = (line: string) => {
    if (!experiment.quiet) console.log(line);
  };
  const started = performance.now();
  for (const strategy of experiment.strategies) {
    const driver = experiment.driver();
    const progress = createProgress({ total: driver.progress().total, label: strategy, enabled: !experiment.quiet });
    const t0 = performance.now();
    let run;
    try {
      run = await runStrategy({ ...experiment.cluster, strategy, tokens: experiment.tokens, seed: experiment.seed }, driver, (at) => {
        progress.update(driver.progress().finished, { simulatedMs: at });
      });
    } finally {
      progress.stop();
    }
    const wallMs = performance.now() - t0;
    const { summary } = run;
    runs.push({ strategy, ...run, wallMs });
    log(`${strategy}: ${summary.requests.completed} completed, ${summary.requests.rejected} rejected, ${summary.requests.failed} failed in ${(wallMs / 1000).toFixed(1)} s (${(summary.simulatedMs / 1000).toFixed(1)} s simulated)`);
  }
  const results = buildResults({
    scenario: experiment.scenario,
    seed: experiment.seed,
    config: experiment.config,
    runs,
    wallTotalMs: performance.now() - started,
  });
  const path = await writeResults(experiment.out, results);
  await writeRequestsJsonl(experiment.out, runs);
  const plots = await writePlots(experiment.out, results);
  if (plots.font.warning !== undefined) console.error(`warning: ${plots.font.warning}`);
  if (!experiment.quiet) {
    console.log('');
    console.log(`${experiment.scenario} · seed ${experiment.seed}`);
    console.log(formatTable(results.runs, { color: wantsColor(process.stdout) }));
    console.log(`\nresults: ${relative(process.cwd(), path) || path}, requests.jsonl; plots: ${plots.files.filter((f) => f.endsWith('.png')).length} PNG in ${relative(process.cwd(), experiment.out) || '.'}`);
  } else {
    console.log(path);
  }
  return path;
}
