// The trace-line parser under fuzzing: whatever a line holds, it answers a checked entry or one
// reason naming the field, never an exception; and every well-formed line reads back exactly.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_HASH_IDS, parseTraceLine } from '../../src/workload/mooncake-line.ts';

const REASON = /^(not valid JSON \(|expected a JSON object, got |timestamp |input_length |output_length |hash_ids)/;

describe('parseTraceLine (fuzzed)', () => {
  it('never throws on any text, and a refusal starts with the field or says it is not JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (line) => {
        const parsed = parseTraceLine(line);
        if (!parsed.ok) expect(parsed.reason).toMatch(REASON);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on JSON of any shape, and names the field it refuses', () => {
    const value = fc.jsonValue({ maxDepth: 2 });
    const record = fc.record(
      { timestamp: value, input_length: value, output_length: value, hash_ids: fc.oneof(value, fc.array(value, { maxLength: 5 })) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(record, value), (v) => {
        const parsed = parseTraceLine(JSON.stringify(v));
        if (!parsed.ok) expect(parsed.reason).toMatch(REASON);
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads every well-formed line back exactly, hash ids above 2^53 included', () => {
    const id = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.array(id, { minLength: 1, maxLength: Math.min(50, MAX_HASH_IDS) }),
        (timestamp, input, output, ids) => {
          const line = `{"timestamp": ${timestamp}, "input_length": ${input}, "output_length": ${output}, "hash_ids": [${ids.join(', ')}]}`;
          const parsed = parseTraceLine(line);
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          expect(parsed.value).toMatchObject({ timestamp, inputLength: input, outputLength: output, hashIds: ids.map(String) });
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
