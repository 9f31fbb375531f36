import { describe, expect, it } from 'vitest';
import type { BlockHash } from '../../src/cache/hash.ts';
import { firstFillStep, firstHeadMatchStep, firstShortageStep, kvEventWithin } from '../../src/machines/segment-bounds.ts';

const BS = 16;
/** A running sequence holding `n` tokens (all prompt). */
const holding = (n: number, hashes: string[] = []) => ({ promptTokens: n, generated: 0, hashes: hashes as BlockHash[] });

describe('segment bounds', () => {
  it('finds the first step at which the running sequences need more new blocks than are free', () => {
    // 32 tokens: new blocks at steps 1, 17, 33…; 24 tokens: at steps 9, 25…
    const running = [holding(32), holding(24)];
    expect(firstShortageStep(running, 2, BS, Infinity)).toBe(17);
    expect(firstShortageStep(running, 0, BS, Infinity)).toBe(1);
    expect(firstShortageStep(running, 2, BS, 16), 'no shortage within the limit').toBe(Infinity);
    expect(firstShortageStep(running, Infinity, BS, Infinity), 'an unbounded pool is never short').toBe(Infinity);
  });

  it('finds the first step at which a running sequence fills a block', () => {
    expect(firstFillStep([holding(20), holding(30)], BS)).toBe(2);
    expect(firstFillStep([holding(32)], BS)).toBe(16);
    expect(firstFillStep([], BS)).toBe(Infinity);
  });

  it('finds the first step that may extend the waiting head’s cached prefix: a sequence on the same chain at the block where the match stops', () => {
    const head = ['h0', 'h1', 'h2'] as BlockHash[];
    const sameChain = holding(20, ['h0']); // fills its 2nd block at step 12
    const otherChain = holding(30, ['x0']); // fills one at step 2, but not the head's
    expect(firstHeadMatchStep([sameChain, otherChain], head, 1, BS)).toBe(12);
    expect(firstHeadMatchStep([sameChain], head, 3, BS), 'the head is all cached').toBe(Infinity);
  });

  it('says whether a KV event falls within the first steps: a block taken (at a block boundary) or filled', () => {
    expect(kvEventWithin([holding(32)], 1, BS), 'takes a block at step 1').toBe(true);
    expect(kvEventWithin([holding(20)], 11, BS)).toBe(false);
    expect(kvEventWithin([holding(20)], 12, BS), 'fills block 2 at step 12').toBe(true);
  });
});
