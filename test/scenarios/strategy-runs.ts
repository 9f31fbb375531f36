// Every strategy on one request stream, in process, as a scenario runs them (runStrategy), returned
// as results.json would hold them.

import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import { runStrategy } from '../../src/experiment/run-strategy.ts';
import { buildResults, type Results, type RunInput } from '../../src/report/results.ts';
import type { StrategyName } from '../../src/routing/strategies.ts';
import type { WorkloadDriver } from '../../src/workload/driver.ts';

/** Runs each strategy on a fresh driver from `driver()`; results as results.json holds them. */
export async function runStrategies(
  scenario: string,
  strategies: readonly StrategyName[],
  options: Omit<ClusterOptions, 'strategy'>,
  driver: () => WorkloadDriver,
): Promise<Results> {
  const runs: RunInput[] = [];
  for (const strategy of strategies) runs.push({ strategy, ...(await runStrategy({ ...options, strategy }, driver())), wallMs: 0 });
  return buildResults({ scenario, seed: options.seed ?? 0, config: {}, runs });
}
