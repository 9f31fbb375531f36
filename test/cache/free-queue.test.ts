import { describe, expect, it } from 'vitest';
import { FreeQueue } from '../../src/cache/free-queue.ts';

describe('FreeQueue', () => {
  it('takes blocks in the order they were pushed to the back', () => {
    const q = new FreeQueue();
    for (const id of [3, 1, 2]) q.pushBack(id);
    expect([q.popFront(), q.popFront(), q.popFront(), q.popFront()]).toEqual([3, 1, 2, -1]);
  });

  it('takes a block pushed to the front next', () => {
    const q = new FreeQueue(4);
    q.pushBack(0);
    q.pushBack(1);
    q.pushFront(2);
    expect([...q]).toEqual([2, 0, 1]);
  });

  it('removes a block from the middle in O(1), keeping the rest in order', () => {
    const q = new FreeQueue();
    for (const id of [0, 1, 2, 3]) q.pushBack(id);
    q.remove(2);
    q.remove(0);
    expect([...q]).toEqual([1, 3]);
    expect(q.size).toBe(2);
    expect(q.has(2)).toBe(false);
    q.remove(3);
    q.pushBack(0);
    expect([...q]).toEqual([1, 0]);
  });

  it('grows past its initial capacity', () => {
    const q = new FreeQueue(2);
    for (let id = 0; id < 500; id++) q.pushBack(id);
    expect(q.size).toBe(500);
    expect(q.peek()).toBe(0);
  });

  it('refuses to queue a block twice or remove one that is not queued', () => {
    const q = new FreeQueue();
    q.pushBack(5);
    expect(() => q.pushFront(5)).toThrow('block 5 is already in the free queue');
    expect(() => q.remove(6)).toThrow('block 6 is not in the free queue');
  });
});
