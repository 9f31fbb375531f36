// The blocks each worker's in-flight requests hold, as the router counts them (Dynamo's
// ActiveSequences): a block shared by several requests on a worker counts once, and a partial
// last block counts once per request (it is never shared). Reference counts per (worker, hash),
// so adding and removing a request are O(its blocks).

import type { BlockHash } from '../cache/hash.ts';
import type { WorkerId } from '../messages.ts';

/** Distinct prompt blocks of the requests in flight on each worker. */
export class ActiveBlocks {
  private readonly counts: Map<BlockHash, number>[];
  private readonly partials: Int32Array;

  constructor(readonly workerCount: number) {
    this.counts = Array.from({ length: workerCount }, () => new Map<BlockHash, number>());
    this.partials = new Int32Array(workerCount);
  }

  /** Distinct blocks on `worker`: its shared full blocks once each, plus one per partial tail. */
  blocks(worker: WorkerId): number {
    return this.counts[worker]!.size + this.partials[worker]!;
  }

  /** How many of `hashes` no in-flight request on `worker` holds. */
  newBlocks(worker: WorkerId, hashes: readonly BlockHash[]): number {
    const held = this.counts[worker]!;
    let fresh = 0;
    for (const hash of hashes) if (!held.has(hash)) fresh++;
    return fresh;
  }

  /** A request with these full-block hashes (and a partial tail when `partial`) is in flight on `worker`. */
  add(worker: WorkerId, hashes: readonly BlockHash[], partial: boolean): void {
    const held = this.counts[worker]!;
    for (const hash of hashes) held.set(hash, (held.get(hash) ?? 0) + 1);
    if (partial) this.partials[worker]!++;
  }

  /** That request left `worker`. */
  remove(worker: WorkerId, hashes: readonly BlockHash[], partial: boolean): void {
    const held = this.counts[worker]!;
    for (const hash of hashes) {
      const count = held.get(hash);
      if (count === undefined) continue;
      if (count <= 1) held.delete(hash);
      else held.set(hash, count - 1);
    }
    if (partial) this.partials[worker]!--;
  }

  /** Forgets everything on `worker` (it went down). */
  clear(worker: WorkerId): void {
    this.counts[worker]!.clear();
    this.partials[worker] = 0;
  }
}
