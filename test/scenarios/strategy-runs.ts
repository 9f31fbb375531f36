// Every strategy on one request stream, in process, as a scenario runs them (fresh cluster each,
// the same requests, the ideal bound gathered alongside), returned as results.json would hold them.

import { createCluster } from '../../src/actors/cluster.ts';
import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import { IdealReuse } from '../../src/metrics/ideal-reuse.ts';
import { MetricsRecorder } from '../../src/metrics/recorder.ts';
import { summarize } from '../../src/metrics/summary.ts';
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
  for (const strategy of strategies) {
    const cluster = createCluster({ ...options, strategy });
    const recorder = new MetricsRecorder();
    recorder.attach(cluster.events$);
    const ideal = new IdealReuse();
    const feed = driver();
    cluster.events$.subscribe((m) => {
      ideal.observe(m);
      if (m.type === 'REQUEST.COMPLETED') feed.onFinished(m.requestId, { tokens: m.tokens });
      else if (m.type === 'REQUEST.REJECTED' || m.type === 'REQUEST.FAILED') feed.onFinished(m.requestId, { tokens: [], status: 'failed' });
    });
    feed.start(cluster);
    await cluster.run();
    cluster.stop();
    const summary = summarize(recorder, { workers: Array.from({ length: cluster.workerCount }, (_, i) => i) });
    runs.push({ strategy, summary, records: recorder.records(), wallMs: 0, ideal: ideal.summary() });
  }
  return buildResults({ scenario, seed: options.seed ?? 0, config: {}, runs });
}
