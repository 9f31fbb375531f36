// Replay a Mooncake trace (JSONL: timestamp ms, input_length, output_length, hash_ids).
//   npx tsx scenarios/replay.ts ../shared/traces/conversation_trace.jsonl --workers 8 --model dummy

import { processFlags } from './lib/commands.ts';
import { runMain, runScenario } from './lib/run.ts';

runMain(() => runScenario('replay', processFlags('replay')));
