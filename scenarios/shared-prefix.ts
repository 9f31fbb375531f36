// Shared system prompts: groups × prompts per group, each prompt = its group's long system prompt
// + a short question (SGLang's generated-shared-prefix shape).
//   npx tsx scenarios/shared-prefix.ts [--groups 8] [--prompts-per-group 32] ...

import { decimal, integer, scenarioCommand } from './lib/options.ts';
import { runMain, runScenario } from './lib/run.ts';
import type { SharedPrefixFlags } from './lib/workloads.ts';

const command = scenarioCommand('shared-prefix', 'groups of prompts sharing a long system prompt, every routing strategy', { requests: 256 })
  .option('--groups <n>', 'groups, each with its own system prompt (--requests is ignored: groups × prompts per group)', integer(1, 100_000), 8)
  .option('--prompts-per-group <n>', 'prompts per group', integer(1, 1_000_000), 32)
  .option('--system-words <n>', 'words of each system prompt', integer(1, 100_000), 600)
  .option('--rate <req/s>', 'Poisson arrival rate, requests per simulated second', decimal(0.001), 10)
  .option('--output-tokens <n>', 'tokens generated per answer', integer(1, 100_000), 64);

runMain(() => runScenario('shared-prefix', command.parse().opts<SharedPrefixFlags>()));
