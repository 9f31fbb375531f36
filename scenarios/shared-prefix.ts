// Shared system prompts: groups × prompts per group, each prompt = its group's long system prompt
// + a short question (SGLang's generated-shared-prefix shape).
//   npx tsx scenarios/shared-prefix.ts [--groups 8] [--prompts-per-group 32] ...

import { processFlags } from './lib/commands.ts';
import { runMain, runScenario } from './lib/run.ts';

runMain(() => runScenario('shared-prefix', processFlags('shared-prefix')));
