// Multi-turn chat: sessions whose next turn is the history, the previous answer and a new
// question, sent after a think time once the previous turn completes (closed loop per session).
//   npx tsx scenarios/chat.ts [--sessions 40] [--turns 5] [--model tiny] ...

import { processFlags } from './lib/commands.ts';
import { runMain, runScenario } from './lib/run.ts';

runMain(() => runScenario('chat', processFlags('chat')));
