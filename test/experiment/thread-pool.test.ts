import { describe, expect, it } from 'vitest';
import { createThreadPool } from '../../src/experiment/thread-pool.ts';

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
