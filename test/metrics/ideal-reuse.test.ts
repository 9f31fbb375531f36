import { describe, expect, it } from 'vitest';
import type { BlockHash } from '../../src/cache/hash.ts';
import type { MessageOf } from '../../src/messages.ts';
import { IdealReuse } from '../../src/metrics/ideal-reuse.ts';
import { routed } from './factories.ts';

/** A routing of a prompt of `tokens` tokens whose full blocks have these hashes. */
const routedWith = (id: string, hashes: string[], tokens = hashes.length * 16, worker = 0): MessageOf<'REQUEST.ROUTED'> => ({
  ...routed(id, 0, worker),
  request: { id, prompt: Array.from({ length: tokens }, () => 1), maxTokens: 3 },
  hashes: hashes as BlockHash[],
});

const stored = (hashes: string[], workerId = 1): MessageOf<'KV.STORED'> => ({ type: 'KV.STORED', at: 0, workerId, parent: null, hashes: hashes as BlockHash[] });

describe('IdealReuse', () => {
  it('hits the leading blocks any earlier request brought, on whatever worker it went to', () => {
    const ideal = new IdealReuse();
    ideal.observe(routedWith('a', ['s0', 's1', 'a2'], 56)); // 3 full blocks + 8 tokens: 4 prompt blocks
    ideal.observe(routedWith('b', ['s0', 's1', 'b2'], 48, 3));
    expect(ideal.summary()).toEqual({ hitBlocks: 2, promptBlocks: 7, blockHitRate: 2 / 7, hitTokens: 32, promptTokens: 104, hitRate: 32 / 104 });
  });

  it('stops at the first miss, as a worker’s lookup does, even if a later block is known', () => {
    const ideal = new IdealReuse();
    ideal.observe(routedWith('a', ['x0', 'x1', 'x2']));
    ideal.observe(routedWith('b', ['x0', 'y1', 'x2']));
    expect(ideal.summary().hitBlocks).toBe(1);
  });

  it('keeps generated blocks a worker stored, so a next turn can hit them', () => {
    const ideal = new IdealReuse();
    ideal.observe(routedWith('t0', ['p0']));
    ideal.observe(stored(['p0', 'g1'])); // the answer of turn 0 filled a block
    ideal.observe(routedWith('t1', ['p0', 'g1', 'q2']));
    expect(ideal.summary().hitBlocks).toBe(2);
  });

  it('counts a request once, at its first routing (a retry after a kill is not a second request)', () => {
    const ideal = new IdealReuse();
    ideal.observe(routedWith('a', ['x0', 'x1']));
    ideal.observe(routedWith('a', ['x0', 'x1'], 32, 2));
    expect(ideal.summary()).toMatchObject({ hitBlocks: 0, promptBlocks: 2 });
  });

  it('is 0 of 0 before any request', () => {
    expect(new IdealReuse().summary()).toEqual({ hitBlocks: 0, promptBlocks: 0, blockHitRate: 0, hitTokens: 0, promptTokens: 0, hitRate: 0 });
  });
});
