// Runs a sweep: its configurations not yet stored (this shard's share) on this thread and a pool
// of worker threads, each result stored as it ends; then, unless sharded, the merged outputs and the table.
// `--merge` only merges; `--emit k8s` writes the Kubernetes manifests instead of running.

import { availableParallelism } from 'node:os';
import { basename, extname, join, relative, resolve } from 'node:path';
import { SweepError } from '../../src/experiment/errors.ts';
import { K8S_DEFAULTS, dnsLabel, k8sSweepManifests, manifestYaml } from '../../src/experiment/k8s-job.ts';
import { inShard, shardFromEnv, type Shard } from '../../src/experiment/shard.ts';
import { runOnLanes } from '../../src/experiment/thread-pool.ts';
import { varyingFactors, type Configuration } from '../../src/experiment/sweep-configurations.ts';
import { sweepRows, writeMergedSweep } from '../../src/experiment/sweep-merge.ts';
import { OBJECTIVES, rowLabel } from '../../src/experiment/sweep-rows.ts';
import { readStored, storeConfiguration, STORED_VERSION, type StoredConfiguration } from '../../src/experiment/sweep-store.ts';
import { resolvePlotFont } from '../../src/report/fonts.ts';
import { createProgress } from '../../src/report/progress.ts';
import { buildResults } from '../../src/report/results.ts';
import { formatTable, wantsColor } from '../../src/report/table.ts';
import writeFileAtomic from 'write-file-atomic';
import { experimentPool, extraThreads } from './experiment.ts';
import runTask, { type StrategyTask, type ThreadRun } from './experiment-worker.ts';
import { checkOutputFolder } from './output-folder.ts';
import { loadSweep, type LoadedSweep } from './sweep-flags.ts';

export interface SweepFlags {
  readonly out?: string;
  readonly jobs?: number;
  readonly shard?: Shard;
  readonly merge: boolean;
  readonly emit?: 'k8s';
  readonly shards?: number;
  readonly image: string;
  readonly podCpus: number;
  readonly podMemory: string;
  readonly claim: string;
  readonly quiet: boolean;
}

/** results/sweeps/NAME for the sweep file NAME.json. */
export function defaultSweepOut(file: string): string {
  return join('results', 'sweeps', basename(file, extname(file)));
}

/** Runs (or merges, or emits) the sweep in `file`. */
export async function runSweep(file: string, flags: SweepFlags): Promise<void> {
  const sweep = await loadSweep(file);
  const out = resolve(flags.out ?? defaultSweepOut(file));
  if (flags.emit === 'k8s') return emitK8s(sweep, flags);
  if (flags.merge) return merge(sweep, out, flags.quiet);
  const shard = flags.shard ?? shardFromEnv(process.env);
  await checkOutputFolder(out);
  const all = sweep.configurations;
  const mine = all.filter((c) => inShard(c.index, shard));
  const stored = await readStored(out, mine);
  const pending = mine.filter((c) => !stored.has(c.key));
  const jobs = Math.min(flags.jobs ?? availableParallelism(), Math.max(1, pending.length));
  if (!flags.quiet) {
    const share = shard === undefined ? '' : ` (shard ${shard.index}/${shard.count}: ${mine.length} of them)`;
    console.error(`${all.length} configurations${share}; ${mine.length - pending.length} already done, ${pending.length} to run on ${jobs} thread${jobs === 1 ? '' : 's'}`);
  }
  await runPending(sweep, out, pending, jobs, flags.quiet);
  if (shard !== undefined) {
    if (!flags.quiet) console.log(`shard ${shard.index}/${shard.count} done: ${mine.length} configurations in ${out}; run with --merge once every shard has finished`);
    else console.log(out);
    return;
  }
  await merge(sweep, out, flags.quiet);
}

/** Runs `pending` on `jobs` threads (here, with one), storing each result as it ends. */
async function runPending(sweep: LoadedSweep, out: string, pending: readonly Configuration[], jobs: number, quiet: boolean): Promise<void> {
  if (pending.length === 0) return;
  const pool = experimentPool(extraThreads(jobs, pending.length));
  const progress = createProgress({ total: pending.length, label: 'sweep', unit: 'configurations', enabled: !quiet });
  let ended = 0;
  // Each lane runs a configuration and stores its result as soon as it ends: a kill loses only the runs under way.
  const lane = (run: (task: StrategyTask) => Promise<unknown>) => async (c: Configuration): Promise<void> => {
    const flags = sweep.flags.get(c.key)!;
    let result: ThreadRun;
    try {
      result = (await run({ kind: 'strategy', scenario: sweep.spec.scenario, flags, strategy: flags.strategy[0]!, requests: false })) as ThreadRun;
    } catch (error) {
      throw new SweepError(`configuration ${rowLabel(c, Object.keys(c.levels))}: ${(error as Error).message}`);
    }
    await storeConfiguration(out, toStored(sweep, c, result));
    progress.update(++ended);
  };
  try {
    await runOnLanes(pending, [lane(runTask), ...Array.from({ length: pool?.threads ?? 0 }, () => lane((task) => pool!.run(task)))]);
  } finally {
    progress.stop();
    await pool?.destroy();
  }
}

/** A configuration's run as stored: the results.json shape of its one run, rounded the same way. */
function toStored(sweep: LoadedSweep, c: Configuration, run: ThreadRun): StoredConfiguration {
  const flags = sweep.flags.get(c.key)!;
  const results = buildResults({
    scenario: sweep.spec.scenario,
    seed: flags.seed,
    config: {},
    runs: [{ strategy: flags.strategy[0]!, summary: run.summary, ideal: run.ideal, details: run.details, wallMs: run.wallMs }],
  });
  return { version: STORED_VERSION, key: c.key, scenario: sweep.spec.scenario, levels: c.levels, args: c.args, run: results.runs[0]!, ideal: results.ideal, wallMs: results.wall.runs[0]!.wallMs };
}

/** Merges what is stored in `out`; every configuration must have its result. */
async function merge(sweep: LoadedSweep, out: string, quiet: boolean): Promise<void> {
  const stored = await readStored(out, sweep.configurations);
  const { rows, missing } = sweepRows(sweep.configurations, stored);
  if (missing.length > 0) {
    const first = rowLabel(missing[0]!, Object.keys(missing[0]!.levels));
    throw new SweepError(`${out}: ${missing.length} of ${sweep.configurations.length} configurations have no results yet (first: ${first}); run the missing shards, or sweep.ts without --shard, then merge`);
  }
  const font = resolvePlotFont();
  if (font.warning !== undefined) console.error(`warning: ${font.warning}`);
  const merged = await writeMergedSweep(out, sweep.spec, rows, font, basename(sweep.path, extname(sweep.path)));
  if (quiet) {
    console.log(join(out, 'sweep.csv'));
    return;
  }
  const varying = varyingFactors(sweep.spec);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  console.log('');
  console.log(`sweep ${basename(sweep.path)} · ${sweep.spec.scenario} · ${rows.length} configurations`);
  console.log(formatTable(rows.map((r) => ({ ...stored.get(r.key)!.run, strategy: rowLabel(r, varying) })), { color: wantsColor(process.stdout) }));
  console.log('');
  for (const { objective, key } of merged.document.best) {
    const row = byKey.get(key)!;
    const value = OBJECTIVES.find((o) => o.name === objective)!.value(row);
    console.log(`best, ${objective}: ${rowLabel(row, varying)} (${formatValue(objective, value)})`);
  }
  console.log(`Pareto front (block hit rate vs TTFT p99): ${merged.document.paretoFront.map((k) => rowLabel(byKey.get(k)!, varying)).join('; ')}`);
  const plots = merged.files.filter((f) => f.endsWith('.png')).map((f) => basename(f));
  console.log(`\n${relative(process.cwd(), out) || '.'}: sweep.csv, sweep.json, ${plots.join(', ')}, configurations/`);
  const report = merged.files.find((f) => f.endsWith('report.html'))!;
  console.log(`report: ${relative(process.cwd(), report) || report} (open it in a browser)`);
}

function formatValue(objective: string, value: number): string {
  if (objective.includes('hit rate')) return `${(value * 100).toFixed(1)} %`;
  if (objective.includes('imbalance')) return value.toFixed(3);
  return `${value.toFixed(1)} ms`;
}

/** Writes the volume claim, the Indexed Job and the merge Job under OUT/k8s. */
async function emitK8s(sweep: LoadedSweep, flags: SweepFlags): Promise<void> {
  const sweepFile = relative(process.cwd(), resolve(sweep.path));
  if (sweepFile.startsWith('..')) throw new SweepError(`${sweep.path}: the image holds the project folder only; put the sweep file (and its trace) inside it, then run --emit k8s from the project folder`);
  const name = dnsLabel(basename(sweep.path, extname(sweep.path)));
  const shards = flags.shards ?? Math.min(sweep.configurations.length, 4);
  if (shards > sweep.configurations.length) throw new SweepError(`--shards ${shards}: the sweep has ${sweep.configurations.length} configurations; more shards than that would leave pods idle`);
  const manifests = k8sSweepManifests({ name, image: flags.image, shards, sweepFile, podCpus: flags.podCpus, podMemory: flags.podMemory, claimName: flags.claim, retriesPerIndex: K8S_DEFAULTS.retriesPerIndex });
  const dir = resolve(flags.out ?? defaultSweepOut(sweep.path), 'k8s');
  await checkOutputFolder(dir);
  const files = { 'volume.yaml': manifests.volume, 'sweep-job.yaml': manifests.job, 'merge-job.yaml': manifests.merge };
  for (const [file, manifest] of Object.entries(files)) await writeFileAtomic(join(dir, file), manifestYaml(manifest));
  const at = relative(process.cwd(), dir) || '.';
  console.log(`${sweep.configurations.length} configurations on ${shards} pods (Indexed Job '${name}', image ${flags.image}):`);
  console.log(`  kubectl apply -f ${at}/volume.yaml -f ${at}/sweep-job.yaml`);
  console.log(`  kubectl wait --for=condition=complete job/${name} --timeout=24h`);
  console.log(`  kubectl apply -f ${at}/merge-job.yaml   # sweep.csv, sweep.json and the plots in the volume, under /results/${name}`);
}
