// A pool of worker threads (tinypool) for `--jobs N`: a comparison's strategies run side by side,
// then its plots render side by side. Tasks and results are plain data (structured clone); the
// caller keeps its own order, so the output does not depend on N.

import type { ResourceLimits } from 'node:worker_threads';
import { Tinypool } from 'tinypool';

export interface ThreadPool<Task, Result> {
  readonly threads: number;
  /** Runs `task` on the first free thread. */
  run(task: Task): Promise<Result>;
  /** Ends every thread. */
  destroy(): Promise<void>;
}

/** `threads` threads, each running the module `worker` (its default export takes a task), with V8 heap limits if given. */
export function createThreadPool<Task, Result>(worker: URL, threads: number, resourceLimits?: ResourceLimits): ThreadPool<Task, Result> {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads is ${threads}; it must be a positive integer`);
  const pool = new Tinypool({ filename: worker.href, minThreads: threads, maxThreads: threads, ...(resourceLimits === undefined ? {} : { resourceLimits }) });
  return {
    threads,
    run: (task) => pool.run(task) as Promise<Result>,
    destroy: () => pool.destroy(),
  };
}

/**
 * Runs `items` on `lanes` (this thread's runner and a pool's, say), each lane taking the next item
 * as soon as it is free; `onResult` hears each result as it ends. Resolves with the results in the
 * items' order; the first failure rejects, and no lane takes a new item after it.
 */
export async function runOnLanes<Item, Result>(
  items: readonly Item[],
  lanes: readonly ((item: Item) => Promise<Result>)[],
  onResult?: (result: Result, index: number) => void | Promise<void>,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (run: (item: Item) => Promise<Result>): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await run(items[index]!);
        await onResult?.(results[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(lanes.map(lane));
  return results;
}
