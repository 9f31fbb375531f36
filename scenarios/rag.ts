// The main job: a RAG workload (a shared system prompt, retrieved chunks with Zipf-skewed
// popularity, a question) over a 4-worker cluster, every routing strategy on the same requests.
//   npx tsx scenarios/rag.ts [--requests 300] [--rate 8] [--model tiny] [--strategy all] ...

import { processFlags } from './lib/commands.ts';
import { runMain, runScenario } from './lib/run.ts';

runMain(() => runScenario('rag', processFlags('rag')));
