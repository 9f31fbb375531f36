// The cluster settings the common flags stand for, and how results.json records them: shared by
// the main process and the worker threads of `--jobs`, so that every run gets the same cluster.

import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import { FaultSpecError, parseWorkerFault } from './fault-flags.ts';
import { restartOfLiveWorker } from '../../src/actors/faults.ts';
import { batchLimits } from '../../src/batch-limits.ts';
import { blocksPerWorker, getProfile } from '../../src/cache/capacity.ts';
import { resolveLatency } from '../../src/latency-model.ts';
import type { JsonObject } from '../../src/report/config.ts';
import type { CommonOptions } from './options.ts';

/** Flags that shape the cluster (or the process) and not the requests: runs that differ only in these share a workload. */
const NOT_WORKLOAD_FLAGS = new Set<string>([
  'workers', 'strategy', 'routerView', 'profile', 'capacity', 'latency', 'maxRunning', 'maxBatchedTokens', 'uncachedFreed',
  'kvDelay', 'kvDrop', 'kvDuplicate', 'kvReorder', 'killWorker', 'restartWorker', 'stallWorker', 'debug',
  'jobs', 'out', 'quiet', 'inspect', 'inspectPort', 'speed', 'dashboard', 'dashboardHold',
] satisfies (keyof CommonOptions)[]);

/** The workload's identity in `flags`: equal keys build the identical request stream. */
export function workloadKey(scenario: string, flags: CommonOptions): string {
  return JSON.stringify([scenario, Object.entries(flags).filter(([name]) => !NOT_WORKLOAD_FLAGS.has(name))]);
}

/** Cluster options shared by every run (the strategy and the tokens are set per run). */
export type SharedClusterOptions = Omit<ClusterOptions, 'strategy' | 'tokens'>;

/** The cluster of these flags, and its settings as results.json's config records them. */
export function clusterFromFlags(options: CommonOptions): { cluster: SharedClusterOptions; config: JsonObject } {
  const delay = options.kvDelay;
  const faults = [
    ...options.killWorker.map((t) => parseWorkerFault('kill', t, options.workers)),
    ...options.restartWorker.map((t) => parseWorkerFault('restart', t, options.workers)),
    ...options.stallWorker.map((t) => parseWorkerFault('stall', t, options.workers)),
  ].sort((a, b) => a.at - b.at);
  const restart = restartOfLiveWorker(faults);
  if (restart !== undefined) throw new FaultSpecError(`--restart-worker ${restart.worker}@${restart.at / 1000}s: worker ${restart.worker} is not down then; kill it earlier (--kill-worker)`);
  const profile = getProfile(options.profile);
  const limits = batchLimits(options, resolveLatency(options.latency, profile), profile);
  return {
    cluster: {
      workers: options.workers,
      view: options.routerView,
      profile,
      latency: options.latency,
      maxRunning: limits.maxRunning,
      ...(Number.isFinite(limits.maxBatchedTokens) ? { maxBatchedTokens: limits.maxBatchedTokens } : {}),
      ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
      uncachedFreed: options.uncachedFreed,
      ...(delay > 0 ? { delays: { 'KV.STORED': delay, 'KV.REMOVED': delay, 'KV.CLEARED': delay } } : {}),
      faults,
      kvFaults: { drop: options.kvDrop, duplicate: options.kvDuplicate, reorderMs: options.kvReorder },
      debug: options.debug,
      seed: options.seed,
    },
    config: {
      workers: options.workers,
      routerView: options.routerView,
      profile: profile.name,
      capacity: options.capacity ?? blocksPerWorker(profile),
      latency: options.latency,
      maxRunning: limits.maxRunning,
      maxBatchedTokens: Number.isFinite(limits.maxBatchedTokens) ? limits.maxBatchedTokens : 'unlimited',
      uncachedFreed: options.uncachedFreed,
      kvDelayMs: delay,
      kvDrop: options.kvDrop,
      kvDuplicate: options.kvDuplicate,
      kvReorderMs: options.kvReorder,
      faults: faults.map((f) => (f.kind === 'stall' ? `${f.kind} ${f.worker}@${f.at}ms:${f.factor}x` : `${f.kind} ${f.worker}@${f.at}ms`)),
      strategies: [...options.strategy],
    },
  };
}
