// Replay a Mooncake trace (JSONL: timestamp ms, input_length, output_length, hash_ids).
//   npx tsx scenarios/replay.ts ../shared/traces/conversation_trace.jsonl --workers 8 --model dummy

import { basename } from 'node:path';
import { Argument } from 'commander';
import { integer, decimal, scenarioCommand, type CommonOptions } from './lib/options.ts';
import { runMain, runScenario } from './lib/run.ts';
import { loadTokenSource } from '../src/model/load-token-source.ts';
import { closedLoop, openLoop } from '../src/workload/driver.ts';
import { readMooncakeTrace } from '../src/workload/mooncake.ts';

interface ReplayFlags extends CommonOptions {
  readonly blocksPerId: number;
  readonly outputScale?: number;
  readonly timeScale: number;
  readonly limit?: number;
  readonly concurrency?: number;
  readonly skipBadLines: boolean;
}

const command = scenarioCommand('replay', 'replay a Mooncake JSONL trace, every routing strategy on the same requests', { requests: Number.MAX_SAFE_INTEGER, requestsLabel: 'the whole trace', workers: 8 })
  .addArgument(new Argument('<trace>', 'a Mooncake JSONL trace file'))
  .option('--blocks-per-id <B>', '16-token blocks per trace hash id (a 512-token block shrinks to B × 16 tokens)', integer(1, 32), 1)
  .option('--output-scale <F>', 'output tokens = max(1, round(output_length × F)); default B × 16 / 512, 1 keeps the trace lengths', decimal(0))
  .option('--time-scale <F>', 'arrival time = timestamp × F (0.5 replays twice as fast)', decimal(0), 1)
  .option('--limit <n>', 'read at most n requests', integer(1))
  .option('--concurrency <N>', 'closed loop: N requests in flight, the next one sent when one finishes (trace times ignored)', integer(1))
  .option('--skip-bad-lines', 'skip malformed lines (counted) instead of stopping at the first', false);

runMain(async () => {
  command.parse();
  const flags = command.opts<ReplayFlags>();
  const path = command.args[0] as string;
  const trace = readMooncakeTrace(path, {
    blocksPerId: flags.blocksPerId,
    timeScale: flags.timeScale,
    skipBadLines: flags.skipBadLines,
    ...(flags.outputScale === undefined ? {} : { outputScale: flags.outputScale }),
    ...(flags.limit === undefined && flags.requests === Number.MAX_SAFE_INTEGER ? {} : { limit: Math.min(flags.limit ?? Infinity, flags.requests) }),
  });
  if (trace.skipped.length > 0 && !flags.quiet) {
    console.error(`skipped ${trace.skipped.length} malformed lines (first: line ${trace.skipped[0]!.line}: ${trace.skipped[0]!.reason})`);
  }
  // A trace's prompts are token ids and nothing reads the answers' text: the dummy decodes none.
  const tokens = await loadTokenSource(flags.model, { seed: flags.model === 'dummy' ? flags.seed : 0, text: false });
  const requests = trace.requests;
  const driver = flags.concurrency === undefined ? () => openLoop(requests) : () => closedLoop(requests, { concurrency: flags.concurrency! });
  await runScenario('replay', { ...flags, requests: requests.length }, tokens, driver, {
    trace: basename(path),
    requests: requests.length,
    skippedLines: trace.skipped.length,
    blocksPerId: flags.blocksPerId,
    outputScale: flags.outputScale ?? (flags.blocksPerId * 16) / 512,
    timeScale: flags.timeScale,
    concurrency: flags.concurrency ?? 'open loop',
  });
});
