import { describe, expect, it } from 'vitest';
import { SweepError } from '../../src/experiment/errors.ts';
import { parseSweepFile } from '../../src/experiment/sweep-file.ts';

const SCENARIOS = ['rag', 'chat', 'replay'];
const parse = (value: unknown, source = 'sweep.json') => parseSweepFile(typeof value === 'string' ? value : JSON.stringify(value), source, SCENARIOS);
const refusal = (value: unknown, source?: string) => {
  try {
    parse(value, source);
  } catch (error) {
    expect(error).toBeInstanceOf(SweepError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('parseSweepFile', () => {
  it('reads scenario, args and factors, and adds the seeds as the last factor', () => {
    expect(parse({ scenario: 'replay', args: { trace: 't.jsonl', model: 'dummy' }, factors: { strategy: ['cache-aware', 'round-robin'], workers: [4, 8] }, seeds: [1, 2] })).toEqual({
      scenario: 'replay',
      args: { trace: 't.jsonl', model: 'dummy' },
      factors: { strategy: ['cache-aware', 'round-robin'], workers: [4, 8], seed: [1, 2] },
    });
  });

  it('reads the same sweep from YAML', () => {
    const yaml = 'scenario: replay\nargs:\n  trace: t.jsonl\nfactors:\n  workers: [4, 8]\n  kv-delay: [0, 50ms]\n';
    expect(parse(yaml, 'sweep.yaml')).toEqual({ scenario: 'replay', args: { trace: 't.jsonl' }, factors: { workers: [4, 8], 'kv-delay': [0, '50ms'] } });
  });

  it('names the file and the field of every mistake, in one line', () => {
    const cases: [unknown, string][] = [
      [{ scenario: 'nope', factors: {} }, "sweep.json: scenario: unknown scenario 'nope'; expected one of rag, chat, replay"],
      [{ factors: {} }, 'sweep.json: scenario: expected the name of a scenario'],
      [{ scenario: 'rag', factors: { workers: [] } }, 'sweep.json: factors.workers: expected at least one level'],
      [{ scenario: 'rag', factors: { workers: 4 } }, 'sweep.json: factors.workers: expected a list of levels'],
      [{ scenario: 'rag', factors: { workers: [4, { n: 8 }] } }, 'sweep.json: factors.workers[1]: expected a string, a number or a boolean'],
      [{ scenario: 'rag', factors: { workers: [4, 4] } }, 'sweep.json: factors.workers[1]: 4 is listed twice'],
      [{ scenario: 'rag', args: { workers: 4 }, factors: { workers: [4, 8] } }, 'sweep.json: factors.workers: also set in args; a flag is either fixed (args) or varied (factors)'],
      [{ scenario: 'rag', factors: { '--workers': [4] } }, 'sweep.json: factors.--workers: expected a flag name as on the command line without the dashes, e.g. kv-delay'],
      [{ scenario: 'rag', factor: {} }, "sweep.json: unknown field 'factor'; a sweep file has scenario, args, factors and seeds"],
      [{ scenario: 'rag', seeds: [1.5] }, 'sweep.json: seeds[0]: expected an integer seed from 0 to 2^31 − 1'],
      [{ scenario: 'rag', seeds: [] }, 'sweep.json: seeds: expected at least one seed'],
      [{ scenario: 'rag', args: { seed: 3 }, seeds: [1] }, 'sweep.json: seeds: the seed is also set in args; give it in one place'],
      [[1, 2], 'sweep.json: expected an object with scenario, args and factors'],
      ['{ "scenario": ', "sweep.json: not valid JSON (Unexpected end of JSON input)"],
    ];
    for (const [value, message] of cases) expect(refusal(value), JSON.stringify(value)).toBe(message);
    expect(refusal('scenario: [unclosed', 'sweep.yml')).toMatch(/^sweep\.yml: not valid YAML \(/);
  });
});
