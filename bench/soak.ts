// The soak's memory over time (issue 8): the soak test's workload (100,000 requests, 16 workers,
// random kills and restarts, KV event faults; test/reliability/soak.workload.ts), printed every
// 10,000 finished requests: RSS, V8 heap, virtual and wall time. Debug checks off, to see the
// simulation's own footprint.

import { pathToFileURL } from 'node:url';
import { createCluster } from '../src/actors/cluster.ts';
import { MetricsRecorder } from '../src/metrics/recorder.ts';
import { limitHeapGrowth } from '../scenarios/lib/heap-growth.ts';
import { soakWorkload } from '../test/reliability/soak.workload.ts';
import { printTable } from './measure.ts';

const MiB = 1024 * 1024;

export async function benchSoak(): Promise<Record<string, number>> {
  limitHeapGrowth(); // as every scenario process does (scenarios/lib/heap-growth.ts)
  const soak = soakWorkload(100_000, 16);
  const cluster = createCluster({ ...soak.options, debug: false });
  const recorder = new MetricsRecorder();
  recorder.attach(cluster.events$);
  const rows: Record<string, string | number>[] = [];
  let finished = 0;
  const t0 = performance.now();
  const sample = () => {
    const m = process.memoryUsage();
    rows.push({ finished, 'simulated s': Math.round(cluster.now() / 1000), 'wall s': ((performance.now() - t0) / 1000).toFixed(1), 'RSS MiB': Math.round(m.rss / MiB), 'heap MiB': Math.round(m.heapUsed / MiB) });
  };
  cluster.events$.subscribe((m) => {
    if (m.type === 'REQUEST.COMPLETED' || m.type === 'REQUEST.REJECTED' || m.type === 'REQUEST.FAILED') {
      if (++finished % 10_000 === 0) sample();
    }
  });
  for (const r of soak.requests) cluster.submit({ id: r.id, prompt: r.prompt, maxTokens: r.maxTokens }, r.at);
  sample();
  await cluster.run();
  const a = recorder.accounting();
  printTable(`soak (issue 8): 100,000 requests, 16 workers, ${soak.kills} kills + restarts, KV drop/duplicate 5 %, reorder ≤ 30 ms; ${a.completed} completed, ${a.rejected} rejected, ${a.failed} failed`, rows);
  const last = rows.at(-1)!;
  return { peakRssMiB: process.resourceUsage().maxRSS / 1024, finalRssMiB: Number(last['RSS MiB']), wallMs: performance.now() - t0 };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchSoak();
