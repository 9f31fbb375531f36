import { describe, expect, it } from 'vitest';
import { chunkText } from '../../src/workload/chunk.ts';

describe('chunkText', () => {
  it('cuts words into chunks of `size`, the last one shorter', () => {
    expect(chunkText('a b  c\nd\te f g', 3)).toEqual(['a b c', 'd e f', 'g']);
  });

  it('cuts characters (code points, so no emoji is split) when asked', () => {
    expect(chunkText('abcdefg', 3, 'chars')).toEqual(['abc', 'def', 'g']);
    expect(chunkText('a😀b😀', 2, 'chars')).toEqual(['a😀', 'b😀']);
  });

  it('gives no chunk for a text without words', () => {
    expect(chunkText('  \n ', 5)).toEqual([]);
    expect(chunkText('', 5, 'chars')).toEqual([]);
  });
});
