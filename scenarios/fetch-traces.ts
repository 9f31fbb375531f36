// Downloads the two public Mooncake traces (FAST'25 release, Apache-2.0) that the README's real-trace
// figures use, pinned to one commit and checked by SHA-256; needs the internet, and says so in one
// line when it is not there.
//   npx tsx scenarios/fetch-traces.ts [--out traces/]

import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { oneLineErrors } from './lib/one-line-errors.ts';
import writeFileAtomic from 'write-file-atomic';
import { runMain } from './lib/run.ts';
import { SimulatorError } from '../src/errors.ts';

const REPOSITORY = 'https://github.com/kvcache-ai/Mooncake';
const COMMIT = '3b5a594133958449a1feaf1c9e0fc1b553e34a28';
/** Where the files are read from; SCR_TRACES_URL overrides it (a mirror, or a test's local server). */
const BASE = process.env['SCR_TRACES_URL'] ?? `https://raw.githubusercontent.com/kvcache-ai/Mooncake/${COMMIT}/FAST25-release/traces/`;
const TRACES = {
  'conversation_trace.jsonl': 'b8cbb061a85206d729d91cdc2981f43c9e0d99209dce588d3af5f7934408b9df',
  'synthetic_trace.jsonl': 'bd070915a98fc0ed264d7cfef2ce746002eb3076a695ec31ba2674c0111ec131',
} as const;

/** A trace that could not be fetched or did not match its checksum. */
class FetchTraceError extends SimulatorError {
  override readonly name = 'FetchTraceError';
}

/** The system error code under a fetch failure (ENOTFOUND, ECONNREFUSED, …), however deep undici nests it. */
function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown; errors?: unknown[] } | undefined; e !== undefined && e !== null; e = (e.cause ?? e.errors?.[0]) as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

async function download(name: keyof typeof TRACES, dir: string): Promise<string> {
  const url = new URL(name, BASE).href;
  let body: Buffer;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const cause = errorCode(error) ?? ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
    throw new FetchTraceError(`cannot download ${name} from ${url} (${cause}): is this machine offline? The traces are in ${REPOSITORY}, FAST25-release/traces/; copy them into ${dir} by hand, or use scenarios/make-trace.ts for a seeded trace of the same format`);
  }
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (sha256 !== TRACES[name]) throw new FetchTraceError(`${name} from ${url} has SHA-256 ${sha256}, not the pinned ${TRACES[name]}; not written`);
  const path = join(dir, name);
  await writeFileAtomic(path, body);
  return `${path}: ${body.length.toLocaleString('en-US')} bytes, SHA-256 checked`;
}

const command = oneLineErrors(new Command('fetch-traces')
  .description(`download the two public Mooncake traces (${REPOSITORY} at ${COMMIT.slice(0, 8)}), checked by SHA-256`)
  .addOption(new Option('--out <dir>', 'where to write them').default('traces')));

runMain(async () => {
  command.parse();
  const { out } = command.opts<{ out: string }>();
  await mkdir(out, { recursive: true });
  for (const name of Object.keys(TRACES) as (keyof typeof TRACES)[]) console.log(await download(name, out));
});
