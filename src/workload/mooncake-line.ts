// One line of a Mooncake trace, parsed and checked. Numbers are parsed by lossless-json into their
// raw decimal text, so a hash id above 2^53 is never rounded through a JS number.

import { parse } from 'lossless-json';

/** A checked trace line; hash ids are canonical decimal strings below 2^64. */
export interface TraceEntry {
  readonly timestamp: number;
  /** The timestamp as written (for messages). */
  readonly timestampText: string;
  readonly inputLength: number;
  readonly outputLength: number;
  readonly hashIds: readonly string[];
}

/** Lengths above this are taken for corrupt data (the real traces stay under 200,000). */
export const MAX_TRACE_TOKENS = 10_000_000;
/** Timestamps above this are corrupt data (the cluster takes submissions up to the same bound). */
export const MAX_TIMESTAMP_MS = 1e12;
/** Hash ids above this many per line are corrupt data too (MAX_TRACE_TOKENS / 512, rounded up). */
export const MAX_HASH_IDS = Math.ceil(MAX_TRACE_TOKENS / 512);
const MAX_ID = '18446744073709551615'; // 2^64 − 1
const CANONICAL_UINT = /^(0|[1-9][0-9]*)$/;

/** A JSON number as lossless-json read it: its text, untouched. */
class RawNumber {
  constructor(readonly raw: string) {}
}

const keepRaw = (text: string): RawNumber => new RawNumber(text);

/** How a value reads in a message: numbers as written, strings quoted, containers by kind. */
function show(value: unknown): string {
  if (value instanceof RawNumber) return value.raw;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A checked value, or why it is not one (the reason starts with the field). */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** A length field: an integer in [1, MAX_TRACE_TOKENS]. */
function length(record: Record<string, unknown>, field: string): Checked<number> {
  const value = record[field];
  if (value === undefined) return fail(`${field} is missing`);
  const n = value instanceof RawNumber ? Number(value.raw) : NaN;
  if (!Number.isInteger(n) || n < 1) return fail(`${field} is ${show(value)}; expected a positive integer`);
  if (n > MAX_TRACE_TOKENS) return fail(`${field} is ${show(value)}; expected at most ${MAX_TRACE_TOKENS} tokens`);
  return { ok: true, value: n };
}

/** Whether a canonical unsigned decimal string is below 2^64. */
const below2To64 = (digits: string): boolean => digits.length < MAX_ID.length || (digits.length === MAX_ID.length && digits <= MAX_ID);

/** Parses and checks one non-blank line; the reason of a failure starts with the field. */
export function parseTraceLine(line: string): Checked<TraceEntry> {
  let record: unknown;
  try {
    record = parse(line, null, keepRaw);
  } catch (error) {
    return fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (record === null || typeof record !== 'object' || Array.isArray(record) || record instanceof RawNumber) {
    return fail(`expected a JSON object, got ${show(record)}`);
  }
  const fields = record as Record<string, unknown>;

  const ts = fields['timestamp'];
  if (ts === undefined) return fail('timestamp is missing');
  const timestamp = ts instanceof RawNumber ? Number(ts.raw) : NaN;
  if (!Number.isFinite(timestamp) || timestamp < 0) return fail(`timestamp is ${show(ts)}; expected a non-negative number of ms`);
  if (timestamp > MAX_TIMESTAMP_MS) return fail(`timestamp is ${show(ts)}; expected at most ${MAX_TIMESTAMP_MS} ms (~31.7 years)`);

  const input = length(fields, 'input_length');
  if (!input.ok) return input;
  const output = length(fields, 'output_length');
  if (!output.ok) return output;

  const ids = fields['hash_ids'];
  if (ids === undefined) return fail('hash_ids is missing');
  if (!Array.isArray(ids)) return fail(`hash_ids is ${show(ids)}; expected an array of non-negative integers`);
  if (ids.length === 0) return fail('hash_ids is empty; expected at least one id');
  if (ids.length > MAX_HASH_IDS) return fail(`hash_ids has ${ids.length} ids; expected at most ${MAX_HASH_IDS}`);
  const hashIds: string[] = new Array<string>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id: unknown = ids[i];
    if (!(id instanceof RawNumber) || !CANONICAL_UINT.test(id.raw)) return fail(`hash_ids[${i}] is ${show(id)}; expected a non-negative integer`);
    if (!below2To64(id.raw)) return fail(`hash_ids[${i}] is ${id.raw}; expected an id below 2^64`);
    hashIds[i] = id.raw;
  }
  return { ok: true, value: { timestamp, timestampText: (ts as RawNumber).raw, inputLength: input.value, outputLength: output.value, hashIds } };
}
