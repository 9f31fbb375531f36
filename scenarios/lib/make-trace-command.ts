// `make-trace`: a seeded Mooncake-format trace (src/workload/make-trace.ts) written to a file, for
// replays and sweeps without the real traces.

import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { oneLineErrors } from './one-line-errors.ts';
import { MAKE_TRACE_DEFAULTS, makeMooncakeTrace, traceJsonl } from '../../src/workload/make-trace.ts';
import { decimal, integer } from './options.ts';
import { SimulatorError, fsReason } from '../../src/errors.ts';

export interface MakeTraceFlags {
  readonly out: string;
  readonly seed: number;
  readonly requests: number;
  readonly groups: number;
  readonly zipf: number;
  readonly prefixBlocks: number;
  readonly uniqueBlocks: number;
  readonly rate: number;
  readonly outputMean: number;
}

const d = MAKE_TRACE_DEFAULTS;

/** A fresh `make-trace` command. */
export function makeTraceCommand(): Command {
  return oneLineErrors(new Command('make-trace')
    .description('write a seeded Mooncake-format trace: shared prefixes with Zipf popularity, Poisson arrivals, exponential outputs')
    .addOption(new Option('--out <file>', 'the JSONL file to write').default('traces/synthetic-made.jsonl'))
    .addOption(new Option('--seed <n>', 'seed').argParser(integer(0, 2 ** 31 - 1)).default(d.seed))
    .addOption(new Option('--requests <n>', 'requests').argParser(integer(1, 10_000_000)).default(d.requests))
    .addOption(new Option('--groups <n>', 'shared prefixes (system prompts, documents)').argParser(integer(1, 1_000_000)).default(d.groups))
    .addOption(new Option('--zipf <s>', 'Zipf exponent of the prefixes\' popularity (0 = uniform)').argParser(decimal(0, 10)).default(d.zipf))
    .addOption(new Option('--prefix-blocks <n>', '512-token blocks of the most popular prefix (less popular ones are up to half as long)').argParser(integer(1, 10_000)).default(d.prefixBlocks))
    .addOption(new Option('--unique-blocks <n>', 'mean 512-token blocks of each request\'s own').argParser(integer(1, 10_000)).default(d.uniqueBlocks))
    .addOption(new Option('--rate <req/s>', 'Poisson arrival rate').argParser(decimal(0.001)).default(d.rate))
    .addOption(new Option('--output-mean <tokens>', 'mean output length (exponential, capped at 4×)').argParser(integer(1, 1_000_000)).default(d.outputMean)));
}

/** Writes the trace of `flags`; returns what to print. */
export async function makeTrace(flags: MakeTraceFlags): Promise<string> {
  const { out, ...options } = flags;
  const lines = makeMooncakeTrace(options);
  await writeFile(out, traceJsonl(lines)).catch((error: NodeJS.ErrnoException) => {
    throw new TraceWriteError(`--out ${out}: cannot write the trace (${fsReason(error, { EISDIR: 'a folder is there', ENOTDIR: 'a file is in the way on that path', ENOENT: 'its folder does not exist' })})`);
  });
  const last = lines.at(-1)!;
  return `${out}: ${lines.length} requests over ${(last.timestamp / 1000).toFixed(0)} s, ${flags.groups} shared prefixes`;
}

/** The trace file could not be written. */
export class TraceWriteError extends SimulatorError {
  override readonly name = 'TraceWriteError';
}
