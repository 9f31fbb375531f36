import { describe, expect, it } from 'vitest';
import { createThreadPool, runOnLanes } from '../../src/experiment/thread-pool.ts';

interface Task {
  readonly n: number;
  readonly delayMs: number;
}
interface Result {
  readonly square: number;
  readonly threadId: number;
}

describe('createThreadPool', () => {
  it('runs tasks on its threads side by side and answers each task with its own result', async () => {
    const pool = createThreadPool<Task, Result>(new URL('./square-worker.mjs', import.meta.url), 2);
    try {
      // The first tasks take longest: they finish last, yet each answer is its own task's.
      const results = await Promise.all([1, 2, 3, 4].map((n) => pool.run({ n, delayMs: (5 - n) * 40 })));
      expect(results.map((r) => r.square)).toEqual([1, 4, 9, 16]);
      expect(new Set(results.map((r) => r.threadId)).size, 'both threads worked').toBe(2);
    } finally {
      await pool.destroy();
    }
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => createThreadPool(new URL('./square-worker.mjs', import.meta.url), 0)).toThrow('threads is 0; it must be a positive integer');
  });
});

describe('runOnLanes', () => {
  it('gives each lane the next item as soon as it is free, and answers in the items\' order', async () => {
    const ran: string[] = [];
    const lane = (name: string, ms: number) => async (n: number) => {
      await new Promise((r) => setTimeout(r, ms));
      ran.push(`${name}${n}`);
      return n * n;
    };
    const heard: number[] = [];
    const results = await runOnLanes([1, 2, 3, 4, 5], [lane('slow', 50), lane('fast', 10)], (r) => void heard.push(r));
    expect(results).toEqual([1, 4, 9, 16, 25]);
    expect(ran.filter((r) => r.startsWith('fast')).length, 'the fast lane took more items').toBeGreaterThan(2);
    expect([...heard].sort((a, b) => a - b)).toEqual([1, 4, 9, 16, 25]);
  });

  it('stops handing out items after a failure and rejects with it', async () => {
    const seen: number[] = [];
    const run = async (n: number) => {
      seen.push(n);
      if (n === 2) throw new Error('item 2 failed');
      return n;
    };
    await expect(runOnLanes([1, 2, 3, 4], [run], undefined)).rejects.toThrow('item 2 failed');
    expect(seen).toEqual([1, 2]);
  });
});
