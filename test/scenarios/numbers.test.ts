// The numbers the README states, checked on the real Mooncake traces in ../shared/traces/ and
// on the RAG scenario's defaults. Each is a property of the whole system: cache, router, engine.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/actors/cluster.ts';
import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import { MetricsRecorder } from '../../src/metrics/recorder.ts';
import { summarize } from '../../src/metrics/summary.ts';
import { gpt2Tokenizer } from '../../src/model/with-tokenizer.ts';
import { closedLoop, feedDriver, openLoop, type WorkloadDriver } from '../../src/workload/driver.ts';
import { readMooncakeTrace } from '../../src/workload/mooncake.ts';
import { ragWorkload } from '../../src/workload/rag.ts';

const traces = fileURLToPath(new URL('../../../shared/traces/', import.meta.url));
const haveTraces = existsSync(traces);
if (!haveTraces) console.warn(`skipping the trace numbers: ${traces} is missing (it sits beside the project in CI)`);

/** Runs a driver on a fresh cluster and summarises it over every worker. */
async function run(options: ClusterOptions, driver: WorkloadDriver) {
  const cluster = createCluster(options);
  const recorder = new MetricsRecorder();
  recorder.attach(cluster.events$);
  cluster.events$.subscribe((m) => {
    feedDriver(driver, m);
  });
  driver.start(cluster);
  await cluster.run();
  const summary = summarize(recorder, { workers: Array.from({ length: cluster.workerCount }, (_, i) => i) });
  const routed = summary.workers.map((w) => w.requests);
  return { summary, busiestShare: Math.max(...routed) / routed.reduce((a, b) => a + b, 0) };
}

describe.skipIf(!haveTraces)('the Mooncake traces', () => {
  const conversation = haveTraces ? readMooncakeTrace(`${traces}conversation_trace.jsonl`).requests : [];
  const synthetic = haveTraces ? readMooncakeTrace(`${traces}synthetic_trace.jsonl`).requests : [];

  it('one unbounded worker, one request at a time, hits exactly the ideal prefix reuse', async () => {
    for (const [requests, hits, blocks] of [[conversation, 105_710, 288_500], [synthetic, 77_953, 121_877]] as const) {
      const { summary } = await run({ workers: 1, capacity: 'unbounded' }, closedLoop(requests, { concurrency: 1 }));
      expect(summary.cache).toMatchObject({ hitBlocks: hits, queriedBlocks: blocks });
    }
  });

  it('cache-aware reaches ≥ 15 % of blocks on 8 × 924 blocks, evenly; round-robin about 5–6 %', async () => {
    const aware = await run({ workers: 8, strategy: 'cache-aware' }, openLoop(conversation));
    expect(aware.summary.cache.blockHitRate).toBeGreaterThanOrEqual(0.15);
    expect(aware.summary.loadImbalance).toBeLessThanOrEqual(1.25);
    const robin = await run({ workers: 8, strategy: 'round-robin' }, openLoop(conversation));
    expect(robin.summary.cache.blockHitRate).toBeGreaterThanOrEqual(0.05);
    expect(robin.summary.cache.blockHitRate).toBeLessThan(0.065);
  });

  it('cache-aware reaches ≥ 30 % of blocks on the synthetic trace, evenly', async () => {
    const { summary } = await run({ workers: 8, strategy: 'cache-aware' }, openLoop(synthetic));
    expect(summary.cache.blockHitRate).toBeGreaterThanOrEqual(0.3);
    expect(summary.loadImbalance).toBeLessThanOrEqual(1.25);
  });

  it('piles every conversation onto one worker with longest-prefix on the approx view', async () => {
    const piled = await run({ workers: 8, strategy: 'longest-prefix', view: 'approx' }, openLoop(conversation));
    expect(piled.busiestShare).toBeGreaterThanOrEqual(0.9);
    const guarded = await run({ workers: 8, strategy: 'cache-aware', view: 'approx' }, openLoop(conversation));
    expect(guarded.busiestShare).toBeLessThan(0.2);
  });
});

describe('the RAG scenario’s defaults', () => {
  it('give cache-aware a 35–50 % token hit rate, better than round-robin, and a lower TTFT p50', async () => {
    const tokenizer = gpt2Tokenizer();
    const requests = ragWorkload({ seed: 1, requests: 300, rate: 8, encode: (t) => tokenizer.encode(t), systemPromptWords: 150 });
    const aware = (await run({ workers: 4, strategy: 'cache-aware' }, openLoop(requests))).summary;
    const robin = (await run({ workers: 4, strategy: 'round-robin' }, openLoop(requests))).summary;
    expect(aware.cache.hitRate).toBeGreaterThanOrEqual(0.35);
    expect(aware.cache.hitRate).toBeLessThanOrEqual(0.5);
    expect(aware.cache.hitRate).toBeGreaterThan(robin.cache.hitRate);
    expect(aware.latency.ttft.p50).toBeLessThan(robin.latency.ttft.p50);
  });
});
