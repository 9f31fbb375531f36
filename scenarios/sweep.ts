// Many configurations of one scenario: a sweep file names the scenario, its fixed flags and the
// flags that vary; every combination runs on worker threads, results stored per configuration.
//   npx tsx scenarios/sweep.ts examples/sweeps/capacity-workers.json [--jobs 2] [--shard 0/4] [--merge] [--emit k8s]

import { availableParallelism } from 'node:os';
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { SweepError } from '../src/experiment/errors.ts';
import { K8S_DEFAULTS } from '../src/experiment/k8s-job.ts';
import { parseShard } from '../src/experiment/shard.ts';
import { integer } from './lib/options.ts';
import { runMain } from './lib/run.ts';
import { runSweep, type SweepFlags } from './lib/sweep-run.ts';

const shard = (value: string) => {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as SweepError).message.replace('--shard: ', ''));
  }
};

const command = new Command('sweep')
  .description('run every combination of a sweep file\'s factors, resumably, on all cores (or as shards of a Kubernetes Indexed Job), then merge them into sweep.csv, sweep.json, a table and plots')
  .addArgument(new Argument('<file>', 'the sweep file (JSON or YAML): { "scenario": "replay", "args": { "trace": "t.jsonl" }, "factors": { "workers": [4, 8] }, "seeds": [1, 2] }'))
  .addOption(new Option('--out <dir>', 'the sweep folder: configurations/ (one result each), then the merged outputs (default: results/sweeps/NAME/)'))
  .addOption(new Option('--jobs <n>', `worker threads, one configuration each (default: the cores, ${availableParallelism()})`).argParser(integer(1, 256)))
  .addOption(new Option('--shard <i/N>', 'run only shard i of N (0-based: every N-th configuration from the i-th); default: JOB_COMPLETION_INDEX of JOB_COMPLETIONS when set').argParser(shard))
  .addOption(new Option('--merge', 'only merge the results stored in the folder (after every shard has run)').default(false))
  .addOption(new Option('--emit <target>', 'write manifests instead of running: k8s (a volume claim, an Indexed Job of the shards, a merge Job) under OUT/k8s/').choices(['k8s']))
  .addOption(new Option('--shards <n>', 'with --emit k8s: pods, one shard each (default: the configurations, at most 4)').argParser(integer(1, 10_000)))
  .addOption(new Option('--image <ref>', 'with --emit k8s: the image built from the Dockerfile').default(K8S_DEFAULTS.image))
  .addOption(new Option('--pod-cpus <n>', 'with --emit k8s: cores per pod (its --jobs)').argParser(integer(1, 256)).default(K8S_DEFAULTS.podCpus))
  .addOption(new Option('--pod-memory <size>', 'with --emit k8s: memory per pod').default(K8S_DEFAULTS.podMemory))
  .addOption(new Option('--claim <name>', 'with --emit k8s: the ReadWriteMany volume claim the pods share').default(K8S_DEFAULTS.claimName))
  .addOption(new Option('--quiet', 'print only errors and the path of sweep.csv').default(false))
  .showHelpAfterError('(run with --help for every flag)');

runMain(() => {
  command.parse();
  return runSweep(command.args[0]!, command.opts<SweepFlags>());
});
