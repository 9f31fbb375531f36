import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idTokens } from '../../src/workload/id-tokens.ts';
import { parseMooncakeTrace, readMooncakeTrace, type MooncakeOptions } from '../../src/workload/mooncake.ts';
import { promptOf } from '../../src/workload/request.ts';
import { WorkloadOptionError } from '../../src/workload/option-checks.ts';
import { TraceError } from '../../src/workload/trace-errors.ts';

/** One trace line; the lengths default to values consistent with the ids (512 tokens per id). */
const line = (timestamp: number | string, ids: readonly (number | string)[], output = 100, input = ids.length * 512 - 10): string =>
  `{"timestamp": ${timestamp}, "input_length": ${input}, "output_length": ${output}, "hash_ids": [${ids.join(', ')}]}`;

const trace = (...lines: string[]): string => `${lines.join('\n')}\n`;
const read = (text: string, options: MooncakeOptions = {}) => parseMooncakeTrace(text, 'conversation.jsonl', options);
const blocks = (prompt: readonly number[], size: number): string[] =>
  Array.from({ length: prompt.length / size }, (_, b) => prompt.slice(b * size, (b + 1) * size).join(','));

/** The TraceError that reading `text` throws. */
function errorOf(text: string): TraceError {
  try {
    read(text);
  } catch (error) {
    if (error instanceof TraceError) return error;
    throw error;
  }
  throw new Error('expected a TraceError; the trace was read without one');
}

describe('parseMooncakeTrace: the mapping', () => {
  const text = trace(line(0, [0, 1, 2]), line(0, [0, 1, 3, 4]), line(3000, [5]));

  it('holds no prompt tokens until a prompt is asked for, then makes the same tokens every time', () => {
    const [first] = read(text).requests;
    expect(typeof first!.prompt).toBe('function'); // a replay keeps each line's hash ids, not 16 tokens per block
    const once = promptOf(first!);
    const again = promptOf(first!);
    expect(again).toEqual(once);
    expect(again).not.toBe(once); // made afresh: nothing kept between the two
  });

  it('gives each hash id B full blocks of 16 tokens', () => {
    for (const blocksPerId of [1, 2, 5]) {
      const { requests } = read(text, { blocksPerId });
      expect(requests.map((r) => promptOf(r).length)).toEqual([3, 4, 1].map((n) => n * blocksPerId * 16));
      expect(promptOf(requests[0]!).slice(0, blocksPerId * 16)).toEqual(idTokens('0', blocksPerId));
    }
  });

  it('gives equal ids equal token blocks and different ids different ones', () => {
    const [a, b, c] = read(text).requests.map((r) => blocks(promptOf(r), 16));
    expect(b!.slice(0, 2)).toEqual(a!.slice(0, 2)); // ids 0, 1 shared
    expect(b![2]).not.toEqual(a![2]); // id 3 vs id 2
    const all = [...a!, ...b!.slice(2), ...c!];
    expect(new Set(all).size).toBe(6); // ids 0..5: six distinct blocks
  });

  it('scales output to the shrunken blocks by default: max(1, round(output × B × 16 / 512))', () => {
    const outputs = [500, 490, 794, 3, 16, 48, 2000];
    const text = trace(...outputs.map((o, i) => line(i, [i], o)));
    expect(read(text).requests.map((r) => r.maxTokens)).toEqual([16, 15, 25, 1, 1, 2, 63]);
    expect(read(text, { blocksPerId: 2 }).requests.map((r) => r.maxTokens)).toEqual([31, 31, 50, 1, 1, 3, 125]);
  });

  it('scales output by F when given: max(1, round(output × F)); F = 1 keeps the trace', () => {
    const text = trace(...[500, 3, 794].map((o, i) => line(i, [i], o)));
    expect(read(text, { outputScale: 1 }).requests.map((r) => r.maxTokens)).toEqual([500, 3, 794]);
    expect(read(text, { outputScale: 0.1 }).requests.map((r) => r.maxTokens)).toEqual([50, 1, 79]);
    expect(read(text, { outputScale: 0.1, blocksPerId: 4 }).requests.map((r) => r.maxTokens)).toEqual([50, 1, 79]);
  });

  it('multiplies arrival times by timeScale', () => {
    const text = trace(line(0, [0]), line(1000, [1]), line(2999, [2]));
    expect(read(text).requests.map((r) => r.at)).toEqual([0, 1000, 2999]);
    expect(read(text, { timeScale: 0.5 }).requests.map((r) => r.at)).toEqual([0, 500, 1499.5]);
    expect(read(text, { timeScale: 0 }).requests.map((r) => r.at)).toEqual([0, 0, 0]);
  });

  it('stops after `limit` requests without reading further', () => {
    const text = trace(line(0, [0]), line(1, [1]), 'this line is never read');
    expect(read(text, { limit: 2 }).requests.map((r) => r.id)).toEqual(['mc-1', 'mc-2']);
  });

  it('names requests by line, sets ignoreEos and the tenant, and skips blank lines', () => {
    const text = `\n${line(0, [0])}\r\n\n   \n${line(5, [1])}`;
    const { requests } = read(text, { tenant: 'acme', idPrefix: 'trace-' });
    expect(requests.map((r) => [r.id, r.tenant, r.ignoreEos])).toEqual([
      ['trace-2', 'acme', true],
      ['trace-5', 'acme', true],
    ]);
  });

  it('keeps ids above 2^53 exact: ids that differ beyond double precision give different tokens', () => {
    // 2^53 + 1 and 2^53 are the same JS number, and 2^64 − 1 is the largest id.
    const text = trace(line(0, ['9007199254740993']), line(0, ['9007199254740992']), line(0, ['18446744073709551615']), line(0, ['9007199254740993']));
    const [a, b, c, d] = read(text).requests.map(promptOf);
    expect(Number('9007199254740993')).toBe(Number('9007199254740992'));
    expect(a).not.toEqual(b);
    expect(a).toEqual(d);
    expect(c).toEqual(idTokens('18446744073709551615'));
  });

  it('counts lines whose hash_ids length is not ceil(input_length / 512), without rejecting them', () => {
    const text = trace(line(0, [0, 1], 10, 1024), line(0, [0, 1], 10, 1025), line(0, [0, 1], 10, 1));
    const { requests, lengthMismatches } = read(text);
    expect(requests).toHaveLength(3);
    expect(lengthMismatches).toEqual([2, 3]);
  });

  it('names a bad option', () => {
    expect(() => read(trace(line(0, [0])), { blocksPerId: 0 })).toThrow(WorkloadOptionError);
    expect(() => read(trace(line(0, [0])), { blocksPerId: 0 })).toThrow('blocksPerId is 0; expected an integer ≥ 1');
    expect(() => read(trace(line(0, [0])), { outputScale: -1 })).toThrow('outputScale is -1; expected a finite number > 0');
    expect(() => read(trace(line(0, [0])), { limit: 0 })).toThrow('limit is 0; expected an integer ≥ 1');
  });
});

describe('parseMooncakeTrace: malformed lines', () => {
  const good = line(0, [0, 1]);
  // The reason after 'conversation.jsonl line 2: ' — exact, or a pattern where lossless-json adds its own detail.
  const cases: [string, string, string | RegExp][] = [
    ['an unfinished object', '{"timestamp": 0, "input_length": 10', /^not valid JSON \(.*end of input/],
    ['a value that is not JSON', '{"timestamp": NaN, "input_length": 1, "output_length": 1, "hash_ids": [0]}', /^not valid JSON \(/],
    ['an array instead of an object', '[0, 100, 10, [0]]', 'expected a JSON object, got an array'],
    ['a bare number', '42', 'expected a JSON object, got 42'],
    ['no timestamp', '{"input_length": 100, "output_length": 1, "hash_ids": [0]}', 'timestamp is missing'],
    ['a negative timestamp', line(-5, [0]), 'timestamp is -5; expected a non-negative number of ms'],
    ['a timestamp as a string', line('"10"', [0]), 'timestamp is "10"; expected a non-negative number of ms'],
    ['no input_length', '{"timestamp": 0, "output_length": 1, "hash_ids": [0]}', 'input_length is missing'],
    ['a zero input_length', line(0, [0], 10, 0), 'input_length is 0; expected a positive integer'],
    ['a fractional input_length', line(0, [0], 10, 12.5), 'input_length is 12.5; expected a positive integer'],
    ['an absurd input_length', line(0, [0], 10, 20000000), 'input_length is 20000000; expected at most 10000000 tokens'],
    ['a negative output_length', line(0, [0], -3), 'output_length is -3; expected a positive integer'],
    ['a null output_length', '{"timestamp": 0, "input_length": 100, "output_length": null, "hash_ids": [0]}', 'output_length is null; expected a positive integer'],
    ['no hash_ids', '{"timestamp": 0, "input_length": 100, "output_length": 1}', 'hash_ids is missing'],
    ['hash_ids not an array', '{"timestamp": 0, "input_length": 100, "output_length": 1, "hash_ids": 5}', 'hash_ids is 5; expected an array of non-negative integers'],
    ['empty hash_ids', line(0, [], 10, 100), 'hash_ids is empty; expected at least one id'],
    ['a negative hash id', line(0, [0, 1, 2, -1]), 'hash_ids[3] is -1; expected a non-negative integer'],
    ['a hash id as a string', line(0, [0, '"1"']), 'hash_ids[1] is "1"; expected a non-negative integer'],
    ['a fractional hash id', line(0, [1.5]), 'hash_ids[0] is 1.5; expected a non-negative integer'],
    ['a hash id of 2^64', line(0, ['18446744073709551616']), 'hash_ids[0] is 18446744073709551616; expected an id below 2^64'],
    ['a duplicate key', '{"timestamp": 0, "timestamp": 1, "input_length": 1, "output_length": 1, "hash_ids": [0]}', /^not valid JSON \(Duplicate key 'timestamp'/],
  ];

  it.each(cases)('rejects %s, naming the file, the line and the field', (_, bad, reason) => {
    const error = errorOf(trace(good, bad, good));
    expect(error.source).toBe('conversation.jsonl');
    expect(error.line).toBe(2);
    expect(error.message).toBe(`conversation.jsonl line 2: ${error.reason}`);
    if (typeof reason === 'string') expect(error.reason).toBe(reason);
    else expect(error.reason).toMatch(reason);
  });

  it('rejects a timestamp earlier than the line before', () => {
    expect(errorOf(trace(line(0, [0]), line(1000, [1]), line(900, [2]))).message).toBe(
      "conversation.jsonl line 3: timestamp 900 is earlier than line 2's 1000; a trace must be in arrival order",
    );
  });

  it('rejects a trace without requests', () => {
    expect(errorOf('').message).toBe('conversation.jsonl: no requests: the trace is empty');
    expect(errorOf('\n\n').message).toBe('conversation.jsonl: no requests: the trace is empty');
    expect(errorOf('\n').line).toBeNull();
  });

  it('names the file it read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mooncake-'));
    try {
      const file = join(dir, 'bad.jsonl');
      writeFileSync(file, trace(good, good, good, line(0, [0, -7])));
      expect(() => readMooncakeTrace(file)).toThrow(`${file} line 4: hash_ids[1] is -7; expected a non-negative integer`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('names a file it cannot read, in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mooncake-'));
    try {
      expect(() => readMooncakeTrace(join(dir, 'missing.jsonl'))).toThrow(`${join(dir, 'missing.jsonl')}: cannot read the trace: no such file`);
      expect(() => readMooncakeTrace(dir)).toThrow(`${dir}: cannot read the trace: a folder, not a trace file`);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('parseMooncakeTrace: skipBadLines', () => {
  it('skips and lists malformed lines, keeping the good ones', () => {
    const text = trace(line(0, [0]), 'garbage', line(1000, [1]), line(500, [2]), line(1000, [3], 0), line(2000, [4]));
    const { requests, skipped } = read(text, { skipBadLines: true });
    expect(requests.map((r) => r.id)).toEqual(['mc-1', 'mc-3', 'mc-6']);
    expect(skipped.map((s) => s.line)).toEqual([2, 4, 5]);
    expect(skipped[0]!.reason).toMatch(/^not valid JSON \(/);
    expect(skipped[1]!.reason).toBe("timestamp 500 is earlier than line 3's 1000; a trace must be in arrival order");
    expect(skipped[2]!.reason).toBe('output_length is 0; expected a positive integer');
  });

  it('still fails when every line is bad', () => {
    expect(() => read(trace('x', 'y'), { skipBadLines: true })).toThrow('conversation.jsonl: no requests: all 2 lines were skipped as malformed');
  });

  it('lists nothing when every line is good', () => {
    expect(read(trace(line(0, [0])), { skipBadLines: true }).skipped).toEqual([]);
  });
});
