// Which configurations a process runs: shard i of N takes every N-th configuration from the i-th
// (0-based, as Kubernetes numbers an Indexed Job's pods: JOB_COMPLETION_INDEX). Round robin rather
// than ranges, so that shards get a mix of cheap and costly levels.

import { SweepError } from './errors.ts';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** `--shard i/N`: 0 ≤ i < N. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index >= count) throw new SweepError(`--shard: expected i/N with 0 ≤ i < N (e.g. 0/4), got '${text}'`);
  return { index, count };
}

/** The shard an Indexed Job's pod is: JOB_COMPLETION_INDEX of JOB_COMPLETIONS; undefined outside one. */
export function shardFromEnv(env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  const index = env['JOB_COMPLETION_INDEX'];
  if (index === undefined || index === '') return undefined;
  const count = env['JOB_COMPLETIONS'];
  if (count === undefined || count === '') throw new SweepError('JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not; set it to the Job\'s completions (the manifest of --emit k8s does)');
  try {
    return parseShard(`${index}/${count}`);
  } catch {
    throw new SweepError(`JOB_COMPLETION_INDEX=${index} of JOB_COMPLETIONS=${count}: expected 0 ≤ index < completions`);
  }
}

/** Whether the configuration at `index` is this shard's. */
export function inShard(index: number, shard: Shard | undefined): boolean {
  return shard === undefined || index % shard.count === shard.index;
}
