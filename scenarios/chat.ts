// Multi-turn chat: sessions whose next turn is the history, the previous answer and a new
// question, sent after a think time once the previous turn completes (closed loop per session).
//   npx tsx scenarios/chat.ts [--sessions 40] [--turns 5] [--model tiny] ...

import { integer, decimal, scenarioCommand, type CommonOptions } from './lib/options.ts';
import { loadModel, runMain, runScenario } from './lib/run.ts';
import { chatSessions } from '../src/workload/chat.ts';

interface ChatFlags extends CommonOptions {
  readonly sessions: number;
  readonly turns: number;
  readonly thinkMs: number;
  readonly sessionRate: number;
  readonly outputTokens: number;
}

const command = scenarioCommand('chat', 'multi-turn chat sessions, every routing strategy on the same sessions', { requests: 200 })
  .option('--sessions <n>', 'chat sessions (--requests is ignored: sessions × turns)', integer(1, 1_000_000), 40)
  .option('--turns <n>', 'turns per session', integer(1, 1_000), 5)
  .option('--think-ms <ms>', 'mean think time between a reply and the next question (drawn from [0.5, 1.5] × this)', decimal(0), 2_000)
  .option('--session-rate <per s>', 'Poisson rate of session starts per simulated second', decimal(0.001), 4)
  .option('--output-tokens <n>', 'tokens generated per turn', integer(1, 100_000), 48);

runMain(async () => {
  const flags = command.parse().opts<ChatFlags>();
  const model = await loadModel(flags);
  const driver = () =>
    chatSessions({
      seed: flags.seed,
      sessions: flags.sessions,
      turns: flags.turns,
      encode: (text) => model.encode(text),
      thinkTimeMs: { min: Math.round(flags.thinkMs * 0.5), max: Math.round(flags.thinkMs * 1.5) },
      sessionRate: flags.sessionRate,
      outputTokens: flags.outputTokens,
    });
  await runScenario('chat', flags, model, driver, {
    sessions: flags.sessions,
    turns: flags.turns,
    thinkMs: flags.thinkMs,
    sessionRatePerSecond: flags.sessionRate,
    outputTokens: flags.outputTokens,
  });
});
