// The public API, as an embedding app imports it: the core entry runs a cluster on its own; the
// subpaths add models, workloads, reports and experiments.

import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';
import * as experiment from '../src/experiment/index.ts';
import * as model from '../src/model/index.ts';
import * as report from '../src/report/index.ts';
import * as workload from '../src/workload/index.ts';

describe('the public API (src/index.ts and the subpaths)', () => {
  it('runs a cluster, records it and summarises it through the core entry alone', async () => {
    const cluster = api.createCluster({ workers: 2, strategy: 'cache-aware', seed: 1, tokens: api.createDummyTokenSource({ seed: 1 }) });
    const recorder = new api.MetricsRecorder();
    recorder.attach(cluster.events$);
    for (let i = 0; i < 20; i++) cluster.submit({ id: `r${i}`, prompt: Array.from({ length: 40 }, (_, t) => (t < 32 ? t : 1000 + i)), maxTokens: 4 }, i * 50);
    await cluster.run();
    const summary = api.summarize(recorder);
    expect(summary.requests).toMatchObject({ submitted: 20, completed: 20 });
    expect(summary.cache.blockHitRate, 'the shared first two blocks hit').toBeGreaterThan(0.5);
    expect(api.STRATEGY_NAMES).toEqual(['cache-aware', 'longest-prefix', 'round-robin', 'least-loaded', 'sglang', 'sglang-legacy', 'smg', 'dynamo', 'llm-d', 'llm-d-affinity', 'aibrix', 'lmetric']);
  });

  it('runs a workload with the model and workload subpaths', async () => {
    const cluster = api.createCluster({ workers: 2, strategy: 'cache-aware', seed: 1 });
    const recorder = new api.MetricsRecorder();
    recorder.attach(cluster.events$);
    const driver = workload.openLoop(workload.ragWorkload({ seed: 1, requests: 20, rate: 10, encode: (t: string) => model.gpt2Tokenizer().encode(t) }));
    cluster.events$.subscribe((m) => workload.feedDriver(driver, m));
    driver.start(cluster);
    await cluster.run();
    expect(api.summarize(recorder).requests).toMatchObject({ submitted: 20, completed: 20 });
  });

  it('exports the machines for inspection and the errors by name, each from its entry', () => {
    expect(api.workerMachine.id).toBe('worker');
    expect(api.routerMachine.id).toBe('router');
    const entries: [Record<string, unknown>, string[]][] = [
      [api, ['ClusterConfigError', 'InvalidRequestError', 'SequenceTooLargeError', 'UnknownStrategyError']],
      [model, ['ModelLoadError', 'ModelError']],
      [workload, ['TraceError', 'DriverError']],
      [experiment, ['SweepError']],
    ];
    for (const [entry, names] of entries) for (const name of names) expect(typeof entry[name], name).toBe('function');
    expect(typeof report.buildResults).toBe('function');
  });

  it('derives every exported error from SimulatorError, so a caller tells them from bugs', () => {
    const errors = [api, model, workload, report, experiment].flatMap((entry) =>
      Object.entries(entry as Record<string, unknown>).filter(([name, value]) => name.endsWith('Error') && typeof value === 'function'),
    );
    expect(errors.length).toBeGreaterThan(25);
    for (const [name, value] of errors) {
      expect((value as { prototype: object }).prototype instanceof api.SimulatorError || value === api.SimulatorError, name).toBe(true);
    }
    expect(typeof experiment.runStrategy).toBe('function');
  });
});
