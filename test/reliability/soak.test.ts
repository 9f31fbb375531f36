// 100,000 requests over 16 workers with random kills, restarts and KV event faults, in debug mode:
// every worker's cache invariants are checked after every step and every request must end
// exactly once. The memory figures of this soak are in bench/soak.ts.

import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/actors/cluster.ts';
import { MetricsRecorder } from '../../src/metrics/recorder.ts';
import { soakWorkload } from './soak.workload.ts';

describe('soak', () => {
  it('loses no request and breaks no invariant through 100,000 requests, kills and KV faults', async () => {
    const soak = soakWorkload(100_000, 16);
    const cluster = createCluster(soak.options);
    const recorder = new MetricsRecorder();
    recorder.attach(cluster.events$);
    let retried = 0;
    cluster.events$.subscribe((m) => {
      if (m.type === 'REQUEST.RETRY') retried++;
    });
    for (const r of soak.requests) cluster.submit({ id: r.id, prompt: r.prompt, maxTokens: r.maxTokens }, r.at);
    await cluster.run(); // rejects on a broken invariant or a request that ends twice
    const a = recorder.accounting();
    expect(a).toMatchObject({ submitted: 100_000, pending: 0, duplicates: 0, orphans: 0 });
    expect(a.completed + a.rejected + a.failed).toBe(100_000);
    expect(soak.kills).toBeGreaterThan(5);
    expect(retried, 'kills hit running requests').toBeGreaterThan(0);
    for (const w of cluster.snapshot().workers) expect(w.usage.used, `worker ${w.id} holds no block at the end`).toBe(0);
  }, 300_000);
});
