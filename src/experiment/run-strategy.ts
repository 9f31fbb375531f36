// One strategy's run of a workload, as every comparison makes it: a fresh cluster, the driver fed
// with every end of a request, the recorder and the ideal bound on the bus, and a check that no
// request is left unaccounted for. Wall time is the caller's to measure (src/ reads no host clock).

import { createCluster, type Cluster } from '../actors/cluster.ts';
import type { ClusterOptions } from '../actors/cluster-options.ts';
import { IdealReuse, type IdealSummary } from '../metrics/ideal-reuse.ts';
import { OccupancySampler, type OccupancySeries } from '../metrics/occupancy.ts';
import { MetricsRecorder } from '../metrics/recorder.ts';
import type { RequestRecord } from '../metrics/request-record.ts';
import { summarize, type RunSummary } from '../metrics/summary.ts';
import { feedDriver, type WorkloadDriver } from '../workload/driver.ts';

/** What a run leaves for the report (results.ts's RunInput, less the wall time). */
export interface StrategyRun {
  readonly summary: RunSummary;
  readonly records: readonly RequestRecord[];
  readonly ideal: IdealSummary;
  /** Tokens per block of the run's cluster (its profile's). */
  readonly blockSize: number;
  /** Each worker's KV blocks held and load over virtual time, bucketed (for report.html). */
  readonly occupancy: OccupancySeries;
}

/**
 * Runs `driver`'s requests on a fresh cluster of `options` (its strategy included); `onEnd` hears
 * each end of a request at its virtual time. Throws if a request is neither completed, rejected
 * nor failed when the clock stops. `watch` sees the cluster before it runs (to subscribe to its events).
 */
export async function runStrategy(options: ClusterOptions, driver: WorkloadDriver, onEnd?: (at: number) => void, watch?: (cluster: Cluster) => void): Promise<StrategyRun> {
  const cluster = createCluster(options);
  watch?.(cluster); // an observer (the live dashboard), subscribed before anything runs
  const recorder = new MetricsRecorder({ blockSize: cluster.blockSize });
  recorder.attach(cluster.events$);
  const ideal = new IdealReuse(cluster.blockSize);
  const occupancy = new OccupancySampler();
  cluster.events$.subscribe((message) => {
    ideal.observe(message);
    occupancy.observe(message);
    if (feedDriver(driver, message)) onEnd?.(message.at);
  });
  driver.start(cluster);
  try {
    await cluster.run();
  } finally {
    cluster.stop();
  }
  const pending = recorder.accounting().pending;
  const name = typeof options.strategy === 'string' ? options.strategy : 'the strategy';
  if (pending > 0) throw new Error(`${name}: ${pending} requests neither completed, rejected nor failed when the run ended`);
  const summary = summarize(recorder, { workers: Array.from({ length: cluster.workerCount }, (_, i) => i) });
  return { summary, records: [...recorder.records()], ideal: ideal.summary(), blockSize: cluster.blockSize, occupancy: occupancy.series(summary.simulatedMs) };
}
