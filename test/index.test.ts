// The public API, as an embedding app imports it: one module, everything needed to run a cluster.

import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';

describe('the public API (src/index.ts)', () => {
  it('runs a cluster, records it and summarises it through its exports alone', async () => {
    const cluster = api.createCluster({ workers: 2, strategy: 'cache-aware', seed: 1 });
    const recorder = new api.MetricsRecorder();
    recorder.attach(cluster.events$);
    const driver = api.openLoop(api.ragWorkload({ seed: 1, requests: 20, rate: 10, encode: (t) => api.gpt2Tokenizer().encode(t) }));
    cluster.events$.subscribe((m) => m.type === 'REQUEST.COMPLETED' && driver.onFinished(m.requestId, { tokens: m.tokens }));
    driver.start(cluster);
    await cluster.run();
    const summary = api.summarize(recorder);
    expect(summary.requests).toMatchObject({ submitted: 20, completed: 20 });
    expect(api.STRATEGY_NAMES).toEqual(['cache-aware', 'longest-prefix', 'round-robin', 'least-loaded', 'sglang', 'sglang-legacy', 'smg', 'dynamo', 'llm-d', 'llm-d-affinity', 'aibrix', 'lmetric']);
  });

  it('exports the machines for inspection and the errors by name', () => {
    expect(api.workerMachine.id).toBe('worker');
    expect(api.routerMachine.id).toBe('router');
    for (const name of ['ClusterConfigError', 'InvalidRequestError', 'ModelLoadError', 'TraceError', 'SequenceTooLargeError', 'UnknownStrategyError']) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});
