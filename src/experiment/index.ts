// stateful-cache-router/experiment: one strategy's run as the comparisons make it, the worker-thread
// pool, and sweeps (files, configurations, shards, stored results, merged rows, Kubernetes manifests).

export { runStrategy } from './run-strategy.ts';
export type { StrategyRun } from './run-strategy.ts';
export { createThreadPool, runOnLanes } from './thread-pool.ts';
export type { ThreadPool } from './thread-pool.ts';
export { SweepError } from './errors.ts';
export { parseSweepFile } from './sweep-file.ts';
export type { Level, SweepSpec } from './sweep-file.ts';
export { configurationKey, sweepConfigurations, varyingFactors } from './sweep-configurations.ts';
export type { Configuration } from './sweep-configurations.ts';
export { inShard, parseShard, shardFromEnv } from './shard.ts';
export type { Shard } from './shard.ts';
export { readStored, storeConfiguration } from './sweep-store.ts';
export type { StoredConfiguration } from './sweep-store.ts';
export { bestRows, paretoKeys, sweepCsv, sweepDocument, sweepMarkdown, sweepRow, OBJECTIVES, MEASURES } from './sweep-rows.ts';
export type { SweepDocument, SweepRow } from './sweep-rows.ts';
export { sweepRows, writeMergedSweep } from './sweep-merge.ts';
export { k8sSweepManifests, manifestYaml, dnsLabel } from './k8s-job.ts';
export type { K8sSweepOptions } from './k8s-job.ts';
