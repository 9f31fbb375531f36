// requests.jsonl: one JSON object per line for every request of every strategy run, in run order
// then submission order (the recorder's), so that a single request can be followed or the runs
// re-analysed outside the project. Same records → same bytes:
//   - the keys of REQUEST_FIELDS, always all of them, always in that order;
//   - numbers rounded like results.json (precision.ts: integers exact, others 6 significant digits);
//   - `null` for what is not known (the TTFT of a rejected request, the worker of one never routed).
// Lines are built as strings and joined once: 12,000 requests × 4 strategies is ~50,000 short
// lines, ~10 MB, written in one call.

import { mkdir } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { join } from 'node:path';
import { e2eMs, ttftMs, type RequestRecord, type RequestState } from '../metrics/request-record.ts';
import type { RejectionCode } from '../messages.ts';
import { ReportInputError } from './errors.ts';
import { roundNumber } from './precision.ts';
import { DEFAULT_BLOCK_SIZE } from '../cache/hash.ts';

export const REQUESTS_FILE = 'requests.jsonl';

/** The fields of each line, in the order written. */
export const REQUEST_FIELDS = [
  'strategy',
  'id',
  'worker',
  'servedBy',
  'attempts',
  'arrivalMs',
  'ttftMs',
  'e2eMs',
  'promptBlocks',
  'cachedBlocks',
  'computedBlocks',
  'outputTokens',
  'status',
  'predicted',
  'rule',
  'reason',
  'endCode',
  'endReason',
] as const;

/** One line of requests.jsonl, parsed. */
export interface RequestLine {
  readonly strategy: string;
  readonly id: string;
  /** The worker the request was routed to (the latest routing before its first admission); null if never routed. */
  readonly worker: number | null;
  /** The worker that completed it (another after a kill); null unless completed. */
  readonly servedBy: number | null;
  /** Times it was routed: 1, or more after a kill sent it elsewhere. */
  readonly attempts: number;
  /** Virtual time of submission, ms. */
  readonly arrivalMs: number;
  /** First token − submission, ms; null until a first token. */
  readonly ttftMs: number | null;
  /** Completion − submission, ms; null unless completed. */
  readonly e2eMs: number | null;
  /** ceil(prompt tokens / block size). */
  readonly promptBlocks: number;
  /** Cached blocks found at the first admission; null if never admitted. */
  readonly cachedBlocks: number | null;
  /** Blocks prefilled at the first admission; null if never admitted. */
  readonly computedBlocks: number | null;
  /** Tokens generated (0 for a request that produced none). */
  readonly outputTokens: number;
  readonly status: RequestState;
  /** Blocks the router believed the chosen worker held; null if never routed. */
  readonly predicted: number | null;
  /** The strategy's rule that decided, and that rule with its numbers; null if never routed. */
  readonly rule: string | null;
  readonly reason: string | null;
  /** Why a rejected request was refused (its code, e.g. `prompt-too-long`); null otherwise. */
  readonly endCode: RejectionCode | null;
  /** The refusal's or the failure's reason in words; null for a request completed or pending. */
  readonly endReason: string | null;
}

/** The lines of requests.jsonl's text, parsed, in order. */
export function* requestLines(jsonl: string): Generator<RequestLine> {
  for (const text of jsonl.split('\n')) if (text !== '') yield JSON.parse(text) as RequestLine;
}

export interface RequestsRun {
  readonly strategy: string;
  /** The run's records in submission order (`recorder.records()`); an iterator is read once. */
  readonly records: Iterable<RequestRecord>;
}

export interface RequestsJsonlOptions {
  /** Tokens per block (the recorder's), for `promptBlocks`; 16 by default. */
  readonly blockSize?: number;
}

/** requests.jsonl as a string: one line per request per run, each ending in a newline ('' when there is none). */
export function requestsJsonl(runs: readonly RequestsRun[], options: RequestsJsonlOptions = {}): string {
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new ReportInputError(`blockSize must be a whole number of tokens ≥ 1; got ${blockSize}`);
  }
  const lines: string[] = [];
  for (const run of runs) {
    const strategy = JSON.stringify(run.strategy);
    for (const r of run.records) lines.push(requestLine(strategy, r, blockSize));
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Creates `dir` if needed and writes `requests.jsonl` into it (the runs' lines, or the text they made elsewhere); returns the file's path. */
export async function writeRequestsJsonl(dir: string, runs: readonly RequestsRun[] | string, options: RequestsJsonlOptions = {}): Promise<string> {
  const text = typeof runs === 'string' ? runs : requestsJsonl(runs, options);
  await mkdir(dir, { recursive: true });
  const path = join(dir, REQUESTS_FILE);
  await writeFileAtomic(path, text);
  return path;
}

/** One line, keys in REQUEST_FIELDS order; `strategy` comes already JSON-quoted. */
function requestLine(strategy: string, r: RequestRecord, blockSize: number): string {
  const where = `request '${r.id}'`;
  return (
    `{"strategy":${strategy}` +
    `,"id":${JSON.stringify(r.id)}` +
    `,"worker":${orNull(r.workerId, where)}` +
    `,"servedBy":${orNull(r.servedBy, where)}` +
    `,"attempts":${r.routings}` +
    `,"arrivalMs":${num(r.submittedAt, where)}` +
    `,"ttftMs":${orNull(ttftMs(r), where)}` +
    `,"e2eMs":${orNull(e2eMs(r), where)}` +
    `,"promptBlocks":${Math.ceil(r.promptLength / blockSize)}` +
    `,"cachedBlocks":${orNull(r.cachedBlocks, where)}` +
    `,"computedBlocks":${orNull(r.computedBlocks, where)}` +
    `,"outputTokens":${num(r.outputTokens, where)}` +
    `,"status":"${r.state}"` +
    `,"predicted":${orNull(r.predictedBlocks, where)}` +
    `,"rule":${r.rule === undefined ? 'null' : JSON.stringify(r.rule)}` +
    `,"reason":${r.reason === undefined ? 'null' : JSON.stringify(r.reason)}` +
    `,"endCode":${r.rejected === undefined ? 'null' : JSON.stringify(r.rejected.code)}` +
    `,"endReason":${JSON.stringify((r.rejected ?? r.failed)?.reason ?? null)}}`
  );
}

function num(value: number, where: string): string {
  return String(roundNumber(value, where));
}

function orNull(value: number | undefined, where: string): string {
  return value === undefined ? 'null' : num(value, where);
}
