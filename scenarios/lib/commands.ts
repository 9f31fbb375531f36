// Each scenario's command line: the flags every scenario shares (options.ts) and its own. The
// scripts parse the process's arguments with them; a sweep parses each configuration's flags with
// the same commands, so a level is checked exactly as the flag is on the command line.

import { Argument, Command, CommanderError } from 'commander';
import { oneLine } from './one-line-errors.ts';
import { decimal, integer, scenarioCommand } from './options.ts';
import type { ScenarioFlags, ScenarioName } from './workloads.ts';
import { SimulatorError } from '../../src/errors.ts';

const COMMANDS: { readonly [S in ScenarioName]: () => Command } = {
  rag: () =>
    scenarioCommand('rag', 'RAG workload over a cluster, every routing strategy on the same requests', { requests: 300 })
      .option('--rate <req/s>', 'Poisson arrival rate, requests per simulated second', decimal(0.001), 8)
      .option('--docs <folder>', 'a folder of .txt documents (default: a built-in corpus generated from the seed)')
      .option('--top-k <k>', 'chunks retrieved per question', integer(1, 64), 4)
      .option('--zipf <s>', 'Zipf exponent of chunk popularity (0 = uniform)', decimal(0, 10), 1.1)
      .option('--chunk-words <n>', 'words per chunk', integer(1, 10_000), 100)
      .option('--system-words <n>', 'words of the shared system prompt (longer: more of every prompt is cached everywhere)', integer(0, 100_000), 150)
      .option('--output-tokens <n>', 'tokens generated per answer', integer(1, 100_000), 64),

  chat: () =>
    scenarioCommand('chat', 'multi-turn chat sessions, every routing strategy on the same sessions', { requests: 200 })
      .option('--sessions <n>', 'chat sessions (--requests is ignored: sessions × turns)', integer(1, 1_000_000), 40)
      .option('--turns <n>', 'turns per session', integer(1, 1_000), 5)
      .option('--think-ms <ms>', 'mean think time between a reply and the next question (drawn from [0.5, 1.5] × this)', decimal(0), 2_000)
      .option('--session-rate <per s>', 'Poisson rate of session starts per simulated second', decimal(0.001), 4)
      .option('--output-tokens <n>', 'tokens generated per turn', integer(1, 100_000), 48),

  'shared-prefix': () =>
    scenarioCommand('shared-prefix', 'groups of prompts sharing a long system prompt, every routing strategy', { requests: 256 })
      .option('--groups <n>', 'groups, each with its own system prompt (--requests is ignored: groups × prompts per group)', integer(1, 100_000), 8)
      .option('--prompts-per-group <n>', 'prompts per group', integer(1, 1_000_000), 32)
      .option('--system-words <n>', 'words of each system prompt', integer(1, 100_000), 600)
      .option('--rate <req/s>', 'Poisson arrival rate, requests per simulated second', decimal(0.001), 10)
      .option('--output-tokens <n>', 'tokens generated per answer', integer(1, 100_000), 64),

  replay: () =>
    scenarioCommand('replay', 'replay a Mooncake JSONL trace, every routing strategy on the same requests', { requests: Number.MAX_SAFE_INTEGER, requestsLabel: 'the whole trace', workers: 8 })
      .addArgument(new Argument('<trace>', 'a Mooncake JSONL trace file'))
      .option('--blocks-per-id <B>', '16-token blocks per trace hash id (a 512-token block shrinks to B × 16 tokens)', integer(1, 32), 1)
      .option('--output-scale <F>', 'output tokens = max(1, round(output_length × F)); default B × 16 / 512, 1 keeps the trace lengths', decimal(0))
      .option('--time-scale <F>', 'arrival time = timestamp × F (0.5 replays twice as fast)', decimal(0), 1)
      .option('--limit <n>', 'read at most n requests', integer(1))
      .option('--concurrency <N>', 'closed loop: N requests in flight, the next one sent when one finishes (trace times ignored)', integer(1))
      .option('--skip-bad-lines', 'skip malformed lines (counted) instead of stopping at the first', false),
};

/** The names of a scenario's positional arguments, in order (replay's trace file). */
export const SCENARIO_ARGUMENTS: { readonly [S in ScenarioName]: readonly (keyof ScenarioFlags[S] & string)[] } = {
  rag: [],
  chat: [],
  'shared-prefix': [],
  replay: ['trace'],
};

/** A fresh command of `scenario` (commands keep what they parsed, so each parse gets its own). */
export function scenarioCommandOf(scenario: ScenarioName): Command {
  return COMMANDS[scenario]();
}

/** The flags a command of `scenario` parsed: its options, and its positional arguments by name. */
export function flagsOf<S extends ScenarioName>(scenario: S, command: Command): ScenarioFlags[S] {
  const positional = Object.fromEntries(SCENARIO_ARGUMENTS[scenario].map((name, i) => [name, command.args[i]]));
  return { ...command.opts(), ...positional } as ScenarioFlags[S];
}

/** The flags of the process's command line; a bad flag prints commander's message and exits non-zero. */
export function processFlags<S extends ScenarioName>(scenario: S): ScenarioFlags[S] {
  const command = scenarioCommandOf(scenario);
  command.parse();
  return flagsOf(scenario, command);
}

/** The flags of `argv` (user arguments, no node or script); a bad flag throws `FlagError` with commander's message. */
export function parseFlags<S extends ScenarioName>(scenario: S, argv: readonly string[]): ScenarioFlags[S] {
  const command = scenarioCommandOf(scenario);
  let message = '';
  command.exitOverride().configureOutput({ writeErr: (text) => (message += text), writeOut: () => undefined, outputError: (text) => (message += text) });
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    throw new FlagError(oneLine(message || error.message).replace(/^error: /, ''));
  }
  return flagsOf(scenario, command);
}

/** A flag commander refused; the message is commander's on one line (with its "Did you mean" hint), without "error: ". */
export class FlagError extends SimulatorError {
  override readonly name = 'FlagError';
}
