// The sweep's command line, shared by scenarios/sweep.ts and the CLI's `sweep` command.

import { availableParallelism } from 'node:os';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { oneLineErrors } from './one-line-errors.ts';
import { SweepError } from '../../src/experiment/errors.ts';
import { K8S_DEFAULTS } from '../../src/experiment/k8s-job.ts';
import { parseShard } from '../../src/experiment/shard.ts';
import { integer } from './options.ts';

const shard = (value: string) => {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as SweepError).message.replace('--shard: ', ''));
  }
};

/** A fresh `sweep <file>` command (its flags as SweepFlags). */
export function sweepCommand(): Command {
  return oneLineErrors(new Command('sweep')
    .description('run every combination of a sweep file\'s factors, resumably, on all cores (or as shards of a Kubernetes Indexed Job), then merge them into sweep.csv, sweep.json, a table and plots')
    .addArgument(new Argument('<file>', 'the sweep file (JSON or YAML): { "scenario": "replay", "args": { "trace": "t.jsonl" }, "factors": { "workers": [4, 8] }, "seeds": [1, 2] }'))
    .addOption(new Option('--out <dir>', 'the sweep folder: configurations/ (one result each), then the merged outputs (default: results/sweeps/NAME/)'))
    .addOption(new Option('--jobs <n>', `configurations side by side: this thread and n − 1 worker threads (default: the cores, ${availableParallelism()})`).argParser(integer(1, 256)))
    .addOption(new Option('--shard <i/N>', 'run only shard i of N (0-based: every N-th configuration from the i-th); default: JOB_COMPLETION_INDEX of JOB_COMPLETIONS when set').argParser(shard))
    .addOption(new Option('--merge', 'only merge the results stored in the folder (after every shard has run)').default(false))
    .addOption(new Option('--emit <target>', 'write manifests instead of running: k8s (a volume claim, an Indexed Job of the shards, a merge Job) under OUT/k8s/').choices(['k8s']))
    .addOption(new Option('--shards <n>', 'with --emit k8s: pods, one shard each (default: the configurations, at most 4)').argParser(integer(1, 10_000)))
    .addOption(new Option('--image <ref>', 'with --emit k8s: the image built from the Dockerfile').default(K8S_DEFAULTS.image))
    .addOption(new Option('--pod-cpus <n>', 'with --emit k8s: cores per pod (its --jobs)').argParser(integer(1, 256)).default(K8S_DEFAULTS.podCpus))
    .addOption(new Option('--pod-memory <size>', 'with --emit k8s: memory per pod').default(K8S_DEFAULTS.podMemory))
    .addOption(new Option('--claim <name>', 'with --emit k8s: the ReadWriteMany volume claim the pods share').default(K8S_DEFAULTS.claimName))
    .addOption(new Option('--quiet', 'print only errors and the path of sweep.csv').default(false)));
}
