import { describe, expect, it } from 'vitest';
import { neverFits } from '../../src/cache/never-fits.ts';

const limits = { capacity: 10, blockSize: 16, maxContextTokens: Infinity } as const;

describe('neverFits', () => {
  it('lets through a request whose prompt blocks + 1 and whose whole length fit the cache', () => {
    expect(neverFits(16 * 9, 16, limits)).toBeNull();
  });

  it('rejects a prompt with no room left to grow, naming its blocks and the capacity', () => {
    expect(neverFits(16 * 10, 1, limits)).toEqual({ code: 'too-large', reason: 'prompt needs 10 blocks + 1 to grow; a worker has 10' });
  });

  it('rejects a request whose prompt and output together need more blocks than the cache has', () => {
    expect(neverFits(16 * 9, 17, limits)).toEqual({ code: 'too-large', reason: 'prompt 144 + max tokens 17 need 11 blocks; a worker has 10' });
  });

  it('rejects a request over the context limit first, whatever the cache', () => {
    expect(neverFits(100, 50, { ...limits, capacity: 'unbounded', maxContextTokens: 128 })).toEqual({
      code: 'context-limit',
      reason: 'prompt 100 + max tokens 50 = 150 tokens exceed the context limit of 128',
    });
  });

  it('never rejects for size in an unbounded cache', () => {
    expect(neverFits(1_000_000, 1_000, { ...limits, capacity: 'unbounded' })).toBeNull();
  });
});
