import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inShard, parseShard, shardFromEnv } from '../../src/experiment/shard.ts';
import { configurationKey, sweepConfigurations, varyingFactors } from '../../src/experiment/sweep-configurations.ts';

describe('sweepConfigurations', () => {
  const spec = { scenario: 'replay', args: { trace: 't.jsonl' }, factors: { strategy: ['a', 'b'], workers: [4, 8, 16] } };

  it('is the cross product, the last factor varying fastest', () => {
    const configurations = sweepConfigurations(spec);
    expect(configurations.map((c) => c.levels)).toEqual([
      { strategy: 'a', workers: 4 }, { strategy: 'a', workers: 8 }, { strategy: 'a', workers: 16 },
      { strategy: 'b', workers: 4 }, { strategy: 'b', workers: 8 }, { strategy: 'b', workers: 16 },
    ]);
    expect(configurations.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(configurations[4]!.args).toEqual({ trace: 't.jsonl', strategy: 'b', workers: 8 });
  });

  it('keys each configuration by what it runs, whatever the order its flags were written in', () => {
    const keys = sweepConfigurations(spec).map((c) => c.key);
    expect(new Set(keys).size).toBe(6);
    expect(keys.every((k) => /^[0-9a-f]{16}$/.test(k))).toBe(true);
    expect(configurationKey('replay', { workers: 8, trace: 't.jsonl', strategy: 'b' })).toBe(keys[4]);
    expect(configurationKey('chat', { workers: 8, trace: 't.jsonl', strategy: 'b' })).not.toBe(keys[4]);
  });

  it('is one configuration when nothing varies', () => {
    expect(sweepConfigurations({ scenario: 'rag', args: { workers: 2 }, factors: {} }).map((c) => c.args)).toEqual([{ workers: 2 }]);
    expect(varyingFactors({ scenario: 'rag', args: {}, factors: { workers: [2], seed: [1, 2] } })).toEqual(['seed']);
  });
});

describe('shards', () => {
  it('give every configuration to exactly one shard', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 200 }), (count, index) => {
        const owners = Array.from({ length: count }, (_, i) => i).filter((i) => inShard(index, { index: i, count }));
        expect(owners).toEqual([index % count]);
      }),
    );
  });

  it('read i/N from the flag, or an Indexed Job pod from its environment', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    for (const bad of ['5/5', '1/0', '-1/3', 'a/b', '3']) expect(() => parseShard(bad), bad).toThrow(`--shard: expected i/N with 0 ≤ i < N (e.g. 0/4), got '${bad}'`);
    expect(shardFromEnv({})).toBeUndefined();
    expect(shardFromEnv({ JOB_COMPLETION_INDEX: '1', JOB_COMPLETIONS: '3' })).toEqual({ index: 1, count: 3 });
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '1' })).toThrow(/JOB_COMPLETIONS is not/);
    expect(() => shardFromEnv({ JOB_COMPLETION_INDEX: '3', JOB_COMPLETIONS: '3' })).toThrow('JOB_COMPLETION_INDEX=3 of JOB_COMPLETIONS=3: expected 0 ≤ index < completions');
  });
});
