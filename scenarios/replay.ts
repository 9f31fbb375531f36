// Replay a Mooncake trace (JSONL: timestamp ms, input_length, output_length, hash_ids).
//   npx tsx scenarios/replay.ts ../shared/traces/conversation_trace.jsonl --workers 8 --model dummy

import { Argument } from 'commander';
import { decimal, integer, scenarioCommand } from './lib/options.ts';
import { runMain, runScenario } from './lib/run.ts';
import type { ReplayFlags } from './lib/workloads.ts';

const command = scenarioCommand('replay', 'replay a Mooncake JSONL trace, every routing strategy on the same requests', { requests: Number.MAX_SAFE_INTEGER, requestsLabel: 'the whole trace', workers: 8 })
  .addArgument(new Argument('<trace>', 'a Mooncake JSONL trace file'))
  .option('--blocks-per-id <B>', '16-token blocks per trace hash id (a 512-token block shrinks to B × 16 tokens)', integer(1, 32), 1)
  .option('--output-scale <F>', 'output tokens = max(1, round(output_length × F)); default B × 16 / 512, 1 keeps the trace lengths', decimal(0))
  .option('--time-scale <F>', 'arrival time = timestamp × F (0.5 replays twice as fast)', decimal(0), 1)
  .option('--limit <n>', 'read at most n requests', integer(1))
  .option('--concurrency <N>', 'closed loop: N requests in flight, the next one sent when one finishes (trace times ignored)', integer(1))
  .option('--skip-bad-lines', 'skip malformed lines (counted) instead of stopping at the first', false);

runMain(() => {
  command.parse();
  return runScenario('replay', { ...command.opts<Omit<ReplayFlags, 'trace'>>(), trace: command.args[0] as string });
});
