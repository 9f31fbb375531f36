// The bad-input corpus as a user meets it on the command line (issue 16): files that are missing,
// folders where files should be, malformed traces and sweep files, sizes past their bounds, fault
// flags that make no sense, every flag out of range. Each case is one process of the package's
// command, and each must answer with exit code 1 and exactly one line on stderr — the line given
// here, naming the flag, file, line or field — with no stack trace and nothing simulated.
// (The API's corpus is bad-input.test.ts; files.test.ts covers --out, BOM/CRLF and closed pipes.)

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsxLoader = pathToFileURL(createRequire(join(root, 'package.json')).resolve('tsx')).href;
const cli = join(root, 'scenarios/cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'scr-bad-cli-'));

const ok = { timestamp: 0, input_length: 1024, output_length: 64, hash_ids: [0, 1] };
const jsonl = (...lines: object[]): string => lines.map((l) => `${JSON.stringify(l)}\n`).join('');
const FILES: Readonly<Record<string, string>> = {
  'ok.jsonl': jsonl(ok, { ...ok, timestamp: 1, hash_ids: [0, 2] }),
  'empty.jsonl': '',
  'bad3.jsonl': `${jsonl(ok, ok)}{"timestamp": 5, "input_length": 10\n`,
  'huge-ts.jsonl': jsonl({ ...ok, timestamp: 1e300 }),
  'neg-len.jsonl': jsonl({ ...ok, input_length: -5 }),
  'no-hash.jsonl': jsonl({ timestamp: 0, input_length: 10, output_length: 1 }),
  'all-bad.jsonl': 'nope\nnope\n',
  'binary.jsonl': '\u0000\u0001\u0002',
  'sweep-bad.json': '{"scenario": "replay", ',
  'sweep-yaml.yaml': 'scenario: rag\nfactors:\n  workers: [1, 2\n',
  'sweep-empty.json': '{}',
  'sweep-typo.json': JSON.stringify({ scenario: 'rag', factors: { wrkers: [1, 2] } }),
  'sweep-level.json': JSON.stringify({ scenario: 'rag', factors: { workers: [2, 0] } }),
  'sweep-scenario.json': JSON.stringify({ scenario: 'replays', factors: { workers: [2] } }),
  'a-file': 'x',
};
for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
mkdirSync(join(dir, 'empty-folder'));

interface BadCli {
  readonly name: string;
  readonly args: readonly string[];
  /** The one line on stderr, whole. */
  readonly line: string;
  /** What stdout may hold: nothing by default (nothing ran). */
  readonly stdout?: RegExp;
}

const flagError = (flag: string, value: string, expected: string): string =>
  `error: option '${flag}' argument '${value}' is invalid. ${expected}, got '${value}' (run with --help for every flag)`;
const choices = (flag: string, value: string, allowed: string): string =>
  `error: option '${flag}' argument '${value}' is invalid. Allowed choices are ${allowed}. (run with --help for every flag)`;
const STRATEGIES = 'cache-aware, longest-prefix, round-robin, least-loaded, sglang, sglang-legacy, smg, dynamo, llm-d, llm-d-affinity, aibrix, lmetric, or all, basic, peers (or a comma-separated list)';
const replay = (...args: string[]): string[] => ['replay', 'ok.jsonl', '--model', 'dummy', ...args];

const FILE_CASES: BadCli[] = [
  { name: 'a trace that is not there', args: ['replay', 'nope.jsonl'], line: 'error: nope.jsonl: cannot read the trace: no such file' },
  { name: 'a folder given as the trace', args: ['replay', 'empty-folder'], line: 'error: empty-folder: cannot read the trace: a folder, not a trace file' },
  { name: 'an empty trace', args: ['replay', 'empty.jsonl', '--model', 'dummy'], line: 'error: empty.jsonl: no requests: the trace is empty' },
  { name: 'a trace whose every line is skipped', args: ['replay', 'all-bad.jsonl', '--model', 'dummy', '--skip-bad-lines'], line: 'error: all-bad.jsonl: no requests: all 2 lines were skipped as malformed' },
  { name: 'a line cut short, named by its number', args: ['replay', 'bad3.jsonl', '--model', 'dummy'], line: "error: bad3.jsonl line 3: not valid JSON (Quoted object key or end of object '}' expected but reached end of input at position 35)" },
  { name: 'binary bytes for a trace', args: ['replay', 'binary.jsonl', '--model', 'dummy'], line: "error: binary.jsonl line 1: not valid JSON (JSON value expected but got '\u0000' at position 0)" },
  { name: 'a timestamp of 1e300 ms', args: ['replay', 'huge-ts.jsonl', '--model', 'dummy'], line: 'error: huge-ts.jsonl line 1: timestamp is 1e+300; expected at most 1000000000000 ms (~31.7 years)' },
  { name: 'a negative input length', args: ['replay', 'neg-len.jsonl', '--model', 'dummy'], line: 'error: neg-len.jsonl line 1: input_length is -5; expected a positive integer' },
  { name: 'a line without hash_ids', args: ['replay', 'no-hash.jsonl', '--model', 'dummy'], line: 'error: no-hash.jsonl line 1: hash_ids is missing' },
  { name: 'no trace given to replay', args: ['replay'], line: "error: missing required argument 'trace' (run with --help for every flag)" },
  { name: 'a --docs folder that is not there', args: ['rag', '--docs', 'no-docs', '--model', 'dummy'], line: "error: folder 'no-docs': cannot read the documents: no such folder" },
  { name: 'a file given as --docs', args: ['rag', '--docs', 'a-file', '--model', 'dummy'], line: "error: folder 'a-file': cannot read the documents: a file, not a folder" },
  { name: 'a --docs folder without .txt files', args: ['rag', '--docs', 'empty-folder', '--model', 'dummy'], line: "error: folder 'empty-folder' holds no .txt files; give a folder of plain-text documents" },
  { name: '--out on a file', args: replay('--out', 'a-file'), line: `error: --out ${join(dir, 'a-file')}: cannot write results there (a file is there, not a folder)` },
  { name: '--out under a file', args: replay('--out', 'a-file/sub'), line: `error: --out ${join(dir, 'a-file/sub')}: cannot write results there (a file is in the way on that path)` },
  { name: '--out under /proc', args: replay('--out', '/proc/scr'), line: 'error: --out /proc/scr: cannot write results there (it cannot be created there)' },
  { name: '--out under /sys', args: replay('--out', '/sys/scr'), line: 'error: --out /sys/scr: cannot write results there (permission denied)' },
  { name: 'a model folder that is not there', args: ['rag', '--model', './no-such-model'], line: `error: cannot load model './no-such-model': no such folder ${join(dir, 'no-such-model')}` },
  { name: 'a sweep file that is not there', args: ['sweep', 'nope.json'], line: 'error: nope.json: cannot read the sweep file: no such file' },
  { name: 'a sweep file cut short', args: ['sweep', 'sweep-bad.json'], line: 'error: sweep-bad.json: not valid JSON (Expected double-quoted property name in JSON at position 23)' },
  { name: 'a sweep file of broken YAML', args: ['sweep', 'sweep-yaml.yaml'], line: 'error: sweep-yaml.yaml: not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ] at line 4, column 1:)' },
  { name: 'an empty sweep', args: ['sweep', 'sweep-empty.json'], line: 'error: sweep-empty.json: scenario: expected the name of a scenario' },
  { name: 'a misspelt factor', args: ['sweep', 'sweep-typo.json'], line: "error: sweep-typo.json: factors.wrkers[0]: unknown flag 'wrkers' of rag (did you mean workers?)" },
  { name: 'a factor level out of range', args: ['sweep', 'sweep-level.json'], line: "error: sweep-level.json: factors.workers[1]: option '--workers <n>' argument '0' is invalid. expected an integer from 1 to 4096, got '0'" },
  { name: 'a misspelt scenario in a sweep', args: ['sweep', 'sweep-scenario.json'], line: "error: sweep-scenario.json: scenario: unknown scenario 'replays'; expected one of rag, chat, shared-prefix, replay" },
  { name: 'make-trace onto a folder', args: ['make-trace', '--out', 'empty-folder'], line: 'error: --out empty-folder: cannot write the trace (a folder is there)' },
  { name: 'make-trace under a file', args: ['make-trace', '--out', 'a-file/t.jsonl'], line: 'error: --out a-file/t.jsonl: cannot write the trace (a file is in the way on that path)' },
  { name: 'make-trace into a folder that is not there', args: ['make-trace', '--out', 'no/such/t.jsonl'], line: 'error: --out no/such/t.jsonl: cannot write the trace (its folder does not exist)' },
];

const SIZE_CASES: BadCli[] = [
  { name: '--system-words past its maximum', args: ['rag', '--system-words', '100001'], line: flagError('--system-words <n>', '100001', 'expected an integer from 0 to 100000') },
  {
    name: 'a run in which every request is rejected (a 100,000-word system prompt) says why',
    args: ['rag', '--model', 'dummy', '--strategy', 'round-robin', '--requests', '5', '--system-words', '100000', '--quiet', '--out', 'out-rejected'],
    line: "error: round-robin: every request was rejected (5); 5 as too-large, e.g. request 'rag-0': prompt needs 7138 blocks + 1 to grow; a worker has 924",
    stdout: /^\S*out-rejected\/results\.json\n$/,
  },
  { name: 'outputs scaled past any model under an unbounded cache', args: replay('--capacity', 'unbounded', '--output-scale', '1e9'), line: "error: request 'mc-1': maxTokens: 64000000000 is more than 10,000,000 tokens; no model generates that much" },
  { name: '--output-tokens of 10^8', args: ['rag', '--output-tokens', '100000000'], line: flagError('--output-tokens <n>', '100000000', 'expected an integer from 1 to 100000') },
  { name: '--workers of a million', args: ['rag', '--workers', '1000000'], line: flagError('--workers <n>', '1000000', 'expected an integer from 1 to 4096') },
  { name: '--capacity of one block', args: ['rag', '--capacity', '1'], line: flagError('--capacity <blocks>', '1', 'expected an integer ≥ 2') },
  { name: '--max-running 0', args: ['rag', '--max-running', '0'], line: flagError('--max-running <n>', '0', 'expected an integer ≥ 1') },
  { name: '--max-batched-tokens 0', args: ['rag', '--max-batched-tokens', '0'], line: flagError('--max-batched-tokens <n>', '0', 'expected an integer ≥ 1') },
  { name: '--requests 0 for make-trace', args: ['make-trace', '--requests', '0'], line: flagError('--requests <n>', '0', 'expected an integer from 1 to 10000000') },
  { name: '--limit 0', args: ['replay', 'ok.jsonl', '--limit', '0'], line: flagError('--limit <n>', '0', 'expected an integer ≥ 1') },
  { name: '--concurrency 0', args: ['replay', 'ok.jsonl', '--concurrency', '0'], line: flagError('--concurrency <N>', '0', 'expected an integer ≥ 1') },
  { name: '--blocks-per-id 0', args: ['replay', 'ok.jsonl', '--blocks-per-id', '0'], line: flagError('--blocks-per-id <B>', '0', 'expected an integer from 1 to 32') },
];

const FAULT_CASES: BadCli[] = [
  { name: 'a kill of a worker that does not exist', args: replay('--kill-worker', '9@1s'), line: 'error: --kill-worker: worker 9 does not exist; workers are 0..7' },
  { name: 'a kill without a time', args: replay('--kill-worker', '1'), line: "error: --kill-worker: '1' is not WORKER@TIME, e.g. 2@600s" },
  { name: 'a kill at a negative time', args: replay('--kill-worker', '1@-5s'), line: "error: --kill-worker: '-5s' is not a duration; write e.g. 600s, 250ms or 1.5s" },
  { name: 'a restart of a worker never killed', args: replay('--restart-worker', '1@5s'), line: 'error: --restart-worker 1@5s: worker 1 is not down then; kill it earlier (--kill-worker)' },
  { name: 'a restart before its kill', args: replay('--kill-worker', '1@9s', '--restart-worker', '1@5s'), line: 'error: --restart-worker 1@5s: worker 1 is not down then; kill it earlier (--kill-worker)' },
  { name: 'a stall by a factor of 0', args: replay('--stall-worker', '1@3s:0x'), line: "error: --stall-worker: the factor in '1@3s:0x' must be > 0" },
  { name: 'a stall without its factor', args: replay('--stall-worker', '1@3s'), line: "error: --stall-worker: '1@3s' is not WORKER@TIME:FACTORx, e.g. 1@300s:4x" },
  { name: 'a KV delay in parsecs', args: ['rag', '--kv-delay', '5 parsecs'], line: "error: option '--kv-delay <time>' argument '5 parsecs' is invalid. '5 parsecs' is not a duration; write e.g. 600s, 250ms or 1.5s (run with --help for every flag)" },
  { name: 'a KV reorder that is not a time', args: ['rag', '--kv-reorder', 'abc'], line: "error: option '--kv-reorder <time>' argument 'abc' is invalid. 'abc' is not a duration; write e.g. 600s, 250ms or 1.5s (run with --help for every flag)" },
  { name: 'a KV drop probability of 1.5', args: ['rag', '--kv-drop', '1.5'], line: flagError('--kv-drop <p>', '1.5', 'expected a number from 0 to 1') },
  { name: 'a negative KV duplicate probability', args: ['rag', '--kv-duplicate=-0.1'], line: flagError('--kv-duplicate <p>', '-0.1', 'expected a number from 0 to 1') },
];

const FLAG_CASES: BadCli[] = [
  { name: 'an unknown scenario, with a suggestion', args: ['ragg'], line: "error: unknown command 'ragg' (Did you mean rag?) (run with --help for the commands, or <command> --help for its flags)" },
  { name: 'a misspelt flag, with a suggestion', args: ['rag', '--wrkers', '2'], line: "error: unknown option '--wrkers' (Did you mean --workers?) (run with --help for every flag)" },
  { name: 'an unknown strategy', args: ['rag', '--strategy', 'fastest'], line: `error: option '--strategy <name>' argument 'fastest' is invalid. unknown strategy 'fastest'; valid: ${STRATEGIES} (run with --help for every flag)` },
  { name: 'an empty strategy', args: ['rag', '--strategy', ''], line: `error: option '--strategy <name>' argument '' is invalid. unknown strategy ''; valid: ${STRATEGIES} (run with --help for every flag)` },
  { name: 'a strategy list with one typo', args: ['rag', '--strategy', 'cache-aware,dynamoo'], line: `error: option '--strategy <name>' argument 'cache-aware,dynamoo' is invalid. unknown strategy 'dynamoo'; valid: ${STRATEGIES} (run with --help for every flag)` },
  { name: 'an unknown profile', args: ['rag', '--profile', 'nope'], line: choices('--profile <name>', 'nope', 'llama-2-13b@a100-40gb, llama-2-7b@a100-80gb, llama-3-8b@h100-80gb') },
  { name: 'an unknown latency model', args: ['rag', '--latency', 'nope'], line: choices('--latency <model>', 'nope', 'seed, roofline') },
  { name: 'an unknown router view', args: ['rag', '--router-view', 'psychic'], line: choices('--router-view <view>', 'psychic', 'events, approx') },
  { name: 'an unknown free-queue place', args: ['rag', '--uncached-freed', 'middle'], line: choices('--uncached-freed <where>', 'middle', 'tail, head') },
  { name: 'an unknown emit target', args: ['sweep', 'sweep-typo.json', '--emit', 'helm'], line: choices('--emit <target>', 'helm', 'k8s') },
  { name: '--workers 0', args: ['rag', '--workers', '0'], line: flagError('--workers <n>', '0', 'expected an integer from 1 to 4096') },
  { name: '--workers 1.5', args: ['rag', '--workers', '1.5'], line: flagError('--workers <n>', '1.5', 'expected an integer from 1 to 4096') },
  { name: '--capacity abc', args: ['rag', '--capacity', 'abc'], line: flagError('--capacity <blocks>', 'abc', 'expected an integer ≥ 2') },
  { name: '--rate 0', args: ['rag', '--rate', '0'], line: flagError('--rate <req/s>', '0', 'expected a number ≥ 0.001') },
  { name: '--rate NaN', args: ['rag', '--rate', 'NaN'], line: flagError('--rate <req/s>', 'NaN', 'expected a number ≥ 0.001') },
  { name: '--rate -1', args: ['rag', '--rate=-1'], line: flagError('--rate <req/s>', '-1', 'expected a number ≥ 0.001') },
  { name: '--seed -1', args: ['rag', '--seed=-1'], line: flagError('--seed <n>', '-1', 'expected an integer from 0 to 2147483647') },
  { name: '--seed 1.5', args: ['rag', '--seed', '1.5'], line: flagError('--seed <n>', '1.5', 'expected an integer from 0 to 2147483647') },
  { name: '--top-k 0', args: ['rag', '--top-k', '0'], line: flagError('--top-k <k>', '0', 'expected an integer from 1 to 64') },
  { name: '--zipf -1', args: ['rag', '--zipf=-1'], line: flagError('--zipf <s>', '-1', 'expected a number from 0 to 10') },
  { name: '--chunk-words 0', args: ['rag', '--chunk-words', '0'], line: flagError('--chunk-words <n>', '0', 'expected an integer from 1 to 10000') },
  { name: '--jobs 0', args: ['rag', '--jobs', '0'], line: flagError('--jobs <n>', '0', 'expected an integer from 1 to 256') },
  { name: '--inspect-port 99999', args: ['rag', '--inspect-port', '99999'], line: flagError('--inspect-port <port>', '99999', 'expected an integer from 1 to 65535') },
  { name: '--dashboard on port 70000', args: ['rag', '--dashboard', '70000'], line: flagError('--dashboard [port]', '70000', 'expected an integer from 0 to 65535') },
  { name: '--speed 0', args: ['rag', '--speed', '0'], line: flagError('--speed <x>', '0', 'expected a number from 0.001 to 1000000') },
  { name: 'chat --sessions 0', args: ['chat', '--sessions', '0'], line: flagError('--sessions <n>', '0', 'expected an integer from 1 to 1000000') },
  { name: 'chat --turns 0', args: ['chat', '--turns', '0'], line: flagError('--turns <n>', '0', 'expected an integer from 1 to 1000') },
  { name: 'chat --think-ms -1', args: ['chat', '--think-ms=-1'], line: flagError('--think-ms <ms>', '-1', 'expected a number ≥ 0') },
  { name: 'shared-prefix --groups 0', args: ['shared-prefix', '--groups', '0'], line: flagError('--groups <n>', '0', 'expected an integer from 1 to 100000') },
  { name: 'shared-prefix --prompts-per-group 0', args: ['shared-prefix', '--prompts-per-group', '0'], line: flagError('--prompts-per-group <n>', '0', 'expected an integer from 1 to 1000000') },
  { name: 'make-trace --zipf -1', args: ['make-trace', '--zipf', '-1'], line: flagError('--zipf <s>', '-1', 'expected a number from 0 to 10') },
  { name: 'sweep --shard 3/2', args: ['sweep', 'sweep-typo.json', '--shard', '3/2'], line: "error: option '--shard <i/N>' argument '3/2' is invalid. expected i/N with 0 ≤ i < N (e.g. 0/4), got '3/2' (run with --help for every flag)" },
];

/** One run of the package's command in the fixtures' folder: exit code, stdout, stderr. */
function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsxLoader, cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

async function expectOneLine({ args, line, stdout }: BadCli): Promise<void> {
  const result = await runCli(args);
  expect(result.stderr, 'one line on stderr, no stack trace').toBe(`${line}\n`);
  expect(result.code, 'exit code').toBe(1);
  if (stdout === undefined) expect(result.stdout, 'nothing ran').toBe('');
  else expect(result.stdout).toMatch(stdout);
}

describe.concurrent('bad input on the command line: one line, exit 1, nothing run', () => {
  describe.concurrent('files and traces', () => {
    it.each(FILE_CASES)('$name', expectOneLine, 60_000);
  });
  describe.concurrent('sizes', () => {
    it.each(SIZE_CASES)('$name', expectOneLine, 60_000);
  });
  describe.concurrent('faults', () => {
    it.each(FAULT_CASES)('$name', expectOneLine, 60_000);
  });
  describe.concurrent('flags', () => {
    it.each(FLAG_CASES)('$name', expectOneLine, 60_000);
  });
});

