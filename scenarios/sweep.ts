// Many configurations of one scenario: a sweep file names the scenario, its fixed flags and the
// flags that vary; every combination runs on worker threads, results stored per configuration.
//   npx tsx scenarios/sweep.ts examples/sweeps/capacity-workers.json [--jobs 2] [--shard 0/4] [--merge] [--emit k8s]

import { runMain } from './lib/run.ts';
import { sweepCommand } from './lib/sweep-command.ts';
import { runSweep, type SweepFlags } from './lib/sweep-run.ts';

const command = sweepCommand();

runMain(() => {
  command.parse();
  return runSweep(command.args[0]!, command.opts<SweepFlags>());
});
