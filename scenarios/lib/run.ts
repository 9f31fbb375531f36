// What every scenario does around its workload: load the model, build the experiment from the
// common flags, run it, and turn known errors into one line and a non-zero exit.

import { resolve } from 'node:path';
import { ClusterConfigError } from '../../src/actors/cluster-options.ts';
import { batchLimits } from '../../src/batch-limits.ts';
import { blocksPerWorker, getProfile } from '../../src/cache/capacity.ts';
import { resolveLatency } from '../../src/latency-model.ts';
import { parseWorkerFault } from '../../src/actors/faults.ts';
import { ModelError } from '../../src/model/errors.ts';
import { loadTokenSource } from '../../src/model/load-token-source.ts';
import { memoizeTokens } from '../../src/model/memo-source.ts';
import type { TokenSource } from '../../src/model/token-source.ts';
import type { JsonObject } from '../../src/report/config.ts';
import type { WorkloadDriver } from '../../src/workload/driver.ts';
import type { InspectionEvent, Observer } from 'xstate';
import { runExperiment } from './experiment.ts';
import type { CommonOptions } from './options.ts';

/** The model named by --model; the tiny GPT-2's weights are fixed, the dummy follows --seed. */
export async function loadModel(options: CommonOptions): Promise<TokenSource & { encode(text: string): number[] }> {
  const source = await loadTokenSource(options.model, { seed: options.model === 'dummy' ? options.seed : 0 });
  if (source.encode === undefined) throw new ModelError(`model '${options.model}' has no tokenizer, and this scenario's prompts are text`);
  return source as TokenSource & { encode(text: string): number[] };
}

/** Runs `makeDriver`'s requests under every --strategy and writes the results. */
export async function runScenario(
  scenario: string,
  options: CommonOptions,
  tokens: TokenSource,
  makeDriver: () => WorkloadDriver,
  config: JsonObject,
): Promise<void> {
  const delay = options.kvDelay;
  const faults = [
    ...options.killWorker.map((t) => parseWorkerFault('kill', t, options.workers)),
    ...options.restartWorker.map((t) => parseWorkerFault('restart', t, options.workers)),
    ...options.stallWorker.map((t) => parseWorkerFault('stall', t, options.workers)),
  ].sort((a, b) => a.at - b.at);
  const profile = getProfile(options.profile);
  const limits = batchLimits(options, resolveLatency(options.latency, profile), profile);
  // Every strategy runs the same requests: the model's answers are computed once and read back.
  const memo = memoizeTokens(tokens);
  const inspection = options.inspect ? await startInspector(options.inspectPort, options.speed) : undefined;
  try {
    await runExperiment({
      scenario,
      seed: options.seed,
      strategies: options.strategy,
      cluster: {
        workers: options.workers,
        view: options.routerView,
        profile,
        latency: options.latency,
        maxRunning: limits.maxRunning,
        ...(Number.isFinite(limits.maxBatchedTokens) ? { maxBatchedTokens: limits.maxBatchedTokens } : {}),
        ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
        ...(delay > 0 ? { delays: { 'KV.STORED': delay, 'KV.REMOVED': delay, 'KV.CLEARED': delay } } : {}),
        ...(inspection === undefined ? {} : { clock: 'realtime' as const, speed: options.speed, inspect: inspection.inspect }),
        faults,
        kvFaults: { drop: options.kvDrop, duplicate: options.kvDuplicate, reorderMs: options.kvReorder },
        debug: options.debug,
      },
      tokens: memo,
      driver: makeDriver,
      config: {
        ...config,
        workers: options.workers,
        routerView: options.routerView,
        model: tokens.name,
        profile: profile.name,
        capacity: options.capacity ?? blocksPerWorker(profile),
        latency: options.latency,
        maxRunning: limits.maxRunning,
        maxBatchedTokens: Number.isFinite(limits.maxBatchedTokens) ? limits.maxBatchedTokens : 'unlimited',
        kvDelayMs: delay,
        kvDrop: options.kvDrop,
        kvDuplicate: options.kvDuplicate,
        kvReorderMs: options.kvReorder,
        faults: faults.map((f) => (f.kind === 'stall' ? `${f.kind} ${f.worker}@${f.at}ms:${f.factor}x` : `${f.kind} ${f.worker}@${f.at}ms`)),
        strategies: [...options.strategy],
      },
      out: resolve(options.out ?? `results/${scenario}`),
      quiet: options.quiet,
    });
  } finally {
    inspection?.stop();
  }
}

/**
 * The Stately inspector for a run: a local server that a browser opens, and a WebSocket client
 * that every actor reports to. The page frames the inspector web app (stately.ai/inspect), so the
 * browser needs the internet; the simulation itself stays offline.
 */
async function startInspector(port: number, speed: number): Promise<{ inspect: Observer<InspectionEvent>; stop(): void }> {
  // Loaded only with --inspect: a server and a WebSocket client most runs never need.
  const [{ createWebSocketInspector }, { createInspectorServer }] = await Promise.all([import('@statelyai/inspect'), import('@statelyai/inspect/server')]);
  const server = createInspectorServer({ port, autoOpen: false });
  const inspector = createWebSocketInspector({ url: `ws://localhost:${port}` });
  console.log(`Stately inspector: open http://localhost:${port} in a browser (that page loads the inspector web app, so the browser needs the internet).`);
  console.log(`Running in real time at ${speed}× so the router and the workers can be watched as they change.`);
  return {
    inspect: inspector.inspect,
    stop() {
      inspector.stop();
      server.stop();
    },
  };
}

/** Runs `main`, printing known errors as one line (no stack) and exiting with 1. */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      const known = error instanceof ModelError || error instanceof ClusterConfigError || (error instanceof Error && /Error$/.test(error.name) && error.name !== 'Error' && error.name !== 'TypeError');
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      if (!known && error instanceof Error && error.stack !== undefined) console.error(error.stack);
      process.exit(1);
    },
  );
}
