import { describe, expect, it } from 'vitest';
import { ActiveBlocks } from '../../src/routing/active-blocks.ts';
import { chain } from './factories.ts';

describe('ActiveBlocks', () => {
  it('counts a full block shared by requests on a worker once', () => {
    const active = new ActiveBlocks(2);
    active.add(0, chain('a', 2), false);
    active.add(0, chain('a', 3), false);
    active.add(0, [...chain('a', 1), ...chain('b', 1)], false);
    expect(active.blocks(0), 'a0 a1 a2 b0').toBe(4);
    expect(active.blocks(1)).toBe(0);
  });

  it('counts a partial tail once per request: it is never shared', () => {
    const active = new ActiveBlocks(1);
    active.add(0, chain('a', 2), true);
    active.add(0, chain('a', 2), true);
    expect(active.blocks(0), '2 shared full blocks + 2 tails').toBe(4);
  });

  it('keeps each worker apart: the same block on two workers counts on each', () => {
    const active = new ActiveBlocks(2);
    active.add(0, chain('a', 3), false);
    active.add(1, chain('a', 3), true);
    expect([active.blocks(0), active.blocks(1)]).toEqual([3, 4]);
  });

  it('remove restores the counts: a block stays while another request still holds it', () => {
    const active = new ActiveBlocks(1);
    active.add(0, chain('a', 2), true);
    active.add(0, chain('a', 4), false);
    active.remove(0, chain('a', 4), false);
    expect(active.blocks(0), 'a0 a1 + the first request\'s tail').toBe(3);
    expect(active.newBlocks(0, chain('a', 4))).toBe(2);
    active.remove(0, chain('a', 2), true);
    expect(active.blocks(0)).toBe(0);
    expect(active.newBlocks(0, chain('a', 4))).toBe(4);
  });

  it('ignores removing blocks the worker does not hold', () => {
    const active = new ActiveBlocks(1);
    active.add(0, chain('a', 2), false);
    active.remove(0, chain('b', 2), false);
    expect(active.blocks(0)).toBe(2);
  });

  it('newBlocks counts the hashes no in-flight request on that worker holds', () => {
    const active = new ActiveBlocks(2);
    active.add(0, chain('a', 3), true);
    expect(active.newBlocks(0, chain('a', 5))).toBe(2);
    expect(active.newBlocks(0, [...chain('b', 2), ...chain('a', 1, 1)]), 'not only a prefix: any held hash').toBe(2);
    expect(active.newBlocks(1, chain('a', 5))).toBe(5);
    expect(active.newBlocks(0, [])).toBe(0);
  });

  it('clear forgets one worker', () => {
    const active = new ActiveBlocks(2);
    active.add(0, chain('a', 3), true);
    active.add(1, chain('a', 2), true);
    active.clear(0);
    expect([active.blocks(0), active.blocks(1), active.newBlocks(0, chain('a', 3))]).toEqual([0, 3, 3]);
    active.add(0, chain('a', 1), false);
    expect(active.blocks(0), 'counts start afresh').toBe(1);
  });
});
