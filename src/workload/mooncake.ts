// Mooncake trace replay (DESIGN §3.9). One JSON object per line: `timestamp` (ms), `input_length`,
// `output_length`, `hash_ids` (chained ids of 512-token blocks). The mapping, with B = blocksPerId:
//
//   prompt     = for each hash id, B full blocks of 16 tokens (id-tokens.ts): len(hash_ids) × B × 16 tokens
//   maxTokens  = max(1, round(output_length × B × 16 / 512))   by default: the request shrinks uniformly
//              = max(1, round(output_length × F))               with outputScale F (1 keeps the trace's lengths)
//   at         = timestamp × timeScale
//
// input_length is checked, not used: B scaling sets the prompt length. A line whose hash_ids
// length is not ceil(input_length / 512) is counted in `lengthMismatches`, not rejected.

import { readFileSync } from 'node:fs';
import { fsReason } from '../errors.ts';
import { TOKENS_PER_BLOCK, promptOfIds } from './id-tokens.ts';
import { parseTraceLine, type Checked, type TraceEntry } from './mooncake-line.ts';
import { checkInteger, checkPositive } from './option-checks.ts';
import type { WorkloadRequest } from './request.ts';
import { TraceError, type SkippedLine } from './trace-errors.ts';

/** Tokens per hash id in the Mooncake traces. */
export const TRACE_BLOCK_TOKENS = 512;

export interface MooncakeOptions {
  /** Blocks of 16 tokens per hash id (default 1). */
  readonly blocksPerId?: number;
  /** Output tokens = max(1, round(output_length × outputScale)); default B × 16 / 512. */
  readonly outputScale?: number;
  /** Arrival time = timestamp × timeScale (default 1; 0 puts every request at time 0). */
  readonly timeScale?: number;
  /** Read at most this many requests. */
  readonly limit?: number;
  /** Skip malformed lines and list them instead of throwing (default false). */
  readonly skipBadLines?: boolean;
  /** Request id = idPrefix + line number (default 'mc-'). */
  readonly idPrefix?: string;
  readonly tenant?: string;
  /** Keep generating past end-of-text (default true: replay wants the trace's lengths). */
  readonly ignoreEos?: boolean;
}

/** A trace read into requests. */
export interface MooncakeTrace {
  readonly requests: WorkloadRequest[];
  /** Lines skipped under skipBadLines (empty otherwise). */
  readonly skipped: SkippedLine[];
  /** Lines whose hash_ids length is not ceil(input_length / 512). */
  readonly lengthMismatches: number[];
}

interface Accepted {
  readonly line: number;
  readonly entry: TraceEntry;
}

/** The line, unless it arrives before the last accepted line. */
function inOrder(parsed: Checked<TraceEntry>, previous: Accepted | null): Checked<TraceEntry> {
  if (!parsed.ok || previous === null || parsed.value.timestamp >= previous.entry.timestamp) return parsed;
  const { timestampText } = parsed.value;
  return { ok: false, reason: `timestamp ${timestampText} is earlier than line ${previous.line}'s ${previous.entry.timestampText}; a trace must be in arrival order` };
}

/** Reads a Mooncake JSONL trace file synchronously into requests (see the mapping above); a file that cannot be read is a TraceError. */
export function readMooncakeTrace(path: string, options: MooncakeOptions = {}): MooncakeTrace {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TraceError(path, null, `cannot read the trace: ${fsReason(error, { EISDIR: 'a folder, not a trace file' })}`);
  }
  return parseMooncakeTrace(text, path, options);
}

const BOM = '\uFEFF';

/** Parses Mooncake JSONL text into requests; `source` names it in errors. */
export function parseMooncakeTrace(text: string, source: string, options: MooncakeOptions = {}): MooncakeTrace {
  const { blocksPerId = 1, timeScale = 1, limit = Number.MAX_SAFE_INTEGER, skipBadLines = false, idPrefix = 'mc-' } = options;
  const outputScale = options.outputScale ?? (blocksPerId * TOKENS_PER_BLOCK) / TRACE_BLOCK_TOKENS;
  checkInteger('blocksPerId', blocksPerId, 1);
  checkPositive('outputScale', outputScale);
  checkPositive('timeScale', timeScale, true);
  checkInteger('limit', limit, 1);
  const ignoreEos = options.ignoreEos ?? true;

  const requests: WorkloadRequest[] = [];
  const skipped: SkippedLine[] = [];
  const lengthMismatches: number[] = [];
  let previous: Accepted | null = null; // the last line turned into a request
  let lineNo = 0;
  let lines = 0; // non-blank lines seen

  // A UTF-8 byte order mark (editors on Windows write one) is not data; CRLF line ends are JSON whitespace.
  for (let from = text.startsWith(BOM) ? 1 : 0; from < text.length && requests.length < limit; ) {
    let end = text.indexOf('\n', from);
    if (end === -1) end = text.length;
    const line = text.slice(from, end);
    from = end + 1;
    lineNo++;
    if (line.trim() === '') continue; // blank lines (a trailing newline) are not data
    lines++;
    const checked = inOrder(parseTraceLine(line), previous);
    if (!checked.ok) {
      if (!skipBadLines) throw new TraceError(source, lineNo, checked.reason);
      skipped.push({ line: lineNo, reason: checked.reason });
      continue;
    }
    const entry = checked.value;
    previous = { line: lineNo, entry };
    if (entry.hashIds.length !== Math.ceil(entry.inputLength / TRACE_BLOCK_TOKENS)) lengthMismatches.push(lineNo);
    requests.push({
      id: `${idPrefix}${lineNo}`,
      at: entry.timestamp * timeScale,
      prompt: () => promptOfIds(entry.hashIds, blocksPerId),
      maxTokens: Math.max(1, Math.round(entry.outputLength * outputScale)),
      ...(options.tenant === undefined ? {} : { tenant: options.tenant }),
      ignoreEos,
    });
  }
  if (requests.length === 0) {
    const why = lines === 0 ? 'the trace is empty' : `all ${lines} lines were skipped as malformed`;
    throw new TraceError(source, null, `no requests: ${why}`);
  }
  return { requests, skipped, lengthMismatches };
}
