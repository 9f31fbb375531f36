// Where a decode segment must end, in steps from its start: pure arithmetic over the running
// sequences' lengths and the block size (the engine reads the pool and passes the numbers in).
// A sequence holding n tokens reads token n + j − 1 at step j; it takes a new block for the token
// of step j when n + j − 1 is a multiple of the block size, and fills a block at the step where
// n + j reaches one.

import type { BlockHash } from '../cache/hash.ts';
import type { HeldTokens } from './sequence.ts';

/**
 * The first step at which the running sequences may need more new blocks than the `free` ones
 * (Infinity if none within `limit`). A sequence holding n tokens needs a new block at steps
 * f, f + bs, f + 2·bs, … with f = (−n mod bs) + 1.
 */
export function firstShortageStep(running: readonly HeldTokens[], free: number, blockSize: number, limit: number): number {
  if (free === Infinity) return Infinity;
  const bs = blockSize;
  const demand = (j: number): number => {
    let blocks = 0;
    for (const seq of running) {
      const n = seq.promptTokens + seq.generated;
      const first = ((bs - (n % bs)) % bs) + 1;
      if (j >= first) blocks += Math.floor((j - first) / bs) + 1;
    }
    return blocks;
  };
  const cap = Number.isFinite(limit) ? limit : Infinity;
  if (cap !== Infinity && demand(cap) <= free) return Infinity;
  // Smallest j with demand(j) > free; demand grows by ≥ 1 every bs steps, so hi is finite.
  let lo = 1;
  let hi = cap !== Infinity ? cap : (free + 1) * bs;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (demand(mid) > free) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Steps until `seq` fills the block its next token goes into. */
function stepsToFill(seq: HeldTokens, blockSize: number): number {
  return blockSize - ((seq.promptTokens + seq.generated) % blockSize);
}

/** The first step at which a running sequence fills a block (and may free one: see WorkerEngine.startSegment). */
export function firstFillStep(running: readonly HeldTokens[], blockSize: number): number {
  let first = Infinity;
  for (const seq of running) first = Math.min(first, stepsToFill(seq, blockSize));
  return first;
}

/**
 * The first step at which a running sequence fills the block where the waiting head's cached
 * prefix stops (its first `matched` blocks are cached): it may be the block the head needs, and
 * with it the head may fit (nothing else in a segment frees room). A block extends the head's
 * match only if its chain so far is the head's.
 */
export function firstHeadMatchStep(
  running: readonly (HeldTokens & { readonly hashes: readonly BlockHash[] })[],
  headHashes: readonly BlockHash[],
  matched: number,
  blockSize: number,
): number {
  if (matched >= headHashes.length) return Infinity;
  let first = Infinity;
  for (const seq of running) {
    if (seq.hashes.length !== matched || (matched > 0 && seq.hashes[matched - 1] !== headHashes[matched - 1])) continue;
    first = Math.min(first, stepsToFill(seq, blockSize));
  }
  return first;
}

/**
 * Whether any of the first `steps` steps announces a KV event: a sequence first takes a block at
 * step 1 if n is a multiple of the block size, and first fills one at step bs − (n mod bs) otherwise.
 */
export function kvEventWithin(running: readonly HeldTokens[], steps: number, blockSize: number): boolean {
  for (const seq of running) {
    const fill = stepsToFill(seq, blockSize); // a full last block (fill = blockSize): a new one at step 1
    if ((fill === blockSize ? 1 : fill) <= steps) return true;
  }
  return false;
}
