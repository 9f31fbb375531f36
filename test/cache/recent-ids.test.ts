import { describe, expect, it } from 'vitest';
import { RecentIds } from '../../src/cache/recent-ids.ts';

describe('RecentIds', () => {
  it('forgets the oldest addition once it holds `limit` of them', () => {
    const ids = new RecentIds<number>(3);
    for (const id of [1, 2, 3, 4]) ids.add(id);
    expect([1, 2, 3, 4].map((id) => ids.has(id))).toEqual([false, true, true, true]);
  });

  it('keeps an id added again until its latest addition is the oldest', () => {
    const ids = new RecentIds<string>(2);
    ids.add('a');
    ids.delete('a');
    ids.add('b');
    ids.add('a'); // reuses the first slot: the stale 'a' there must not evict this one later
    ids.add('c');
    expect(ids.has('a')).toBe(true);
    expect(ids.has('b')).toBe(false);
  });
});
