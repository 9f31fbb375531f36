// A seeded Mooncake-format trace, for replays and sweeps without the real traces.
//   npx tsx scenarios/make-trace.ts --out traces/made.jsonl [--requests 2000] [--groups 32] [--zipf 1.1]
//   npx tsx scenarios/replay.ts traces/made.jsonl --model dummy

import { makeTrace, makeTraceCommand, type MakeTraceFlags } from './lib/make-trace-command.ts';
import { runMain } from './lib/run.ts';

const command = makeTraceCommand();

runMain(async () => {
  command.parse();
  console.log(await makeTrace(command.opts<MakeTraceFlags>()));
});
