// Multi-turn chat: sessions whose next turn is the history, the previous answer and a new
// question, sent after a think time once the previous turn completes (closed loop per session).
//   npx tsx scenarios/chat.ts [--sessions 40] [--turns 5] [--model tiny] ...

import { decimal, integer, scenarioCommand } from './lib/options.ts';
import { runMain, runScenario } from './lib/run.ts';
import type { ChatFlags } from './lib/workloads.ts';

const command = scenarioCommand('chat', 'multi-turn chat sessions, every routing strategy on the same sessions', { requests: 200 })
  .option('--sessions <n>', 'chat sessions (--requests is ignored: sessions × turns)', integer(1, 1_000_000), 40)
  .option('--turns <n>', 'turns per session', integer(1, 1_000), 5)
  .option('--think-ms <ms>', 'mean think time between a reply and the next question (drawn from [0.5, 1.5] × this)', decimal(0), 2_000)
  .option('--session-rate <per s>', 'Poisson rate of session starts per simulated second', decimal(0.001), 4)
  .option('--output-tokens <n>', 'tokens generated per turn', integer(1, 100_000), 48);

runMain(() => runScenario('chat', command.parse().opts<ChatFlags>()));
