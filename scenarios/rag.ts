// The main job: a RAG workload (a shared system prompt, retrieved chunks with Zipf-skewed
// popularity, a question) over a 4-worker cluster, every routing strategy on the same requests.
//   npx tsx scenarios/rag.ts [--requests 300] [--rate 8] [--model tiny] [--strategy all] ...

import { decimal, integer, scenarioCommand } from './lib/options.ts';
import { runMain, runScenario } from './lib/run.ts';
import type { RagFlags } from './lib/workloads.ts';

const command = scenarioCommand('rag', 'RAG workload over a cluster, every routing strategy on the same requests', { requests: 300 })
  .option('--rate <req/s>', 'Poisson arrival rate, requests per simulated second', decimal(0.001), 8)
  .option('--docs <folder>', 'a folder of .txt documents (default: a built-in corpus generated from the seed)')
  .option('--top-k <k>', 'chunks retrieved per question', integer(1, 64), 4)
  .option('--zipf <s>', 'Zipf exponent of chunk popularity (0 = uniform)', decimal(0, 10), 1.1)
  .option('--chunk-words <n>', 'words per chunk', integer(1, 10_000), 100)
  .option('--system-words <n>', 'words of the shared system prompt (longer: more of every prompt is cached everywhere)', integer(0, 100_000), 150)
  .option('--output-tokens <n>', 'tokens generated per answer', integer(1, 100_000), 64);

runMain(() => runScenario('rag', command.parse().opts<RagFlags>()));
