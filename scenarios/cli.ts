#!/usr/bin/env node
// The package's command: `stateful-cache-router <scenario> [flags]`, each scenario with the same
// flags as `npx tsx scenarios/<scenario>.ts`, plus `sweep <file>` and `make-trace`.
//   npx stateful-cache-router replay trace.jsonl --strategy cache-aware --model dummy

import { Command } from 'commander';
import { packageVersion } from '../src/package-root.ts';
import { flagsOf, scenarioCommandOf } from './lib/commands.ts';
import { makeTrace, makeTraceCommand, type MakeTraceFlags } from './lib/make-trace-command.ts';
import { oneLineErrors } from './lib/one-line-errors.ts';
import { runMain, runScenario } from './lib/run.ts';
import { sweepCommand } from './lib/sweep-command.ts';
import { runSweep, type SweepFlags } from './lib/sweep-run.ts';
import { SCENARIO_NAMES } from './lib/workloads.ts';

const program = oneLineErrors(new Command('stateful-cache-router')
  .description('simulate an LLM serving cluster with a KV-cache-aware router: run a scenario under routing strategies, or sweep many configurations')
  .version(packageVersion()), '(run with --help for the commands, or <command> --help for its flags)');

for (const scenario of SCENARIO_NAMES) {
  const command = scenarioCommandOf(scenario);
  program.addCommand(command.action(() => runScenario(scenario, flagsOf(scenario, command))));
}
const sweep = sweepCommand();
program.addCommand(sweep.action((file: string) => runSweep(file, sweep.opts<SweepFlags>())));
const made = makeTraceCommand();
program.addCommand(made.action(async () => console.log(await makeTrace(made.opts<MakeTraceFlags>()))));

runMain(async () => {
  await program.parseAsync();
});
