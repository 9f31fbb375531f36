// Each worker's KV blocks held and requests on hand over virtual time, for the report's
// per-worker charts. Light on purpose: it keeps at most MAX_BUCKETS numbers per worker and series,
// however long the run, and needs no end time in advance.
//   1. Buckets start BUCKET_MS wide; each keeps the highest value seen in it (a peak, so that a
//      pile-on shorter than a bucket still shows), a quiet bucket the value carried into it.
//   2. When a message falls past the last bucket, every series merges neighbouring pairs (the
//      larger of the two) and the width doubles, until it fits.
// Deterministic: it reads the bus alone (message times, never the host clock).

import type { Message, WorkerId } from '../messages.ts';

/** Width of a bucket before any merge, virtual ms. */
export const BUCKET_MS = 10;
/** Most buckets a series holds; merging halves them, so a long run ends with 32 to 64. */
export const MAX_BUCKETS = 64;

export interface WorkerOccupancy {
  readonly id: WorkerId;
  /** KV cache blocks of the worker (WORKER.UP); null when unbounded or never announced. */
  readonly capacity: number | null;
  /** Per bucket, the most blocks holding a hash (stored, not yet removed: in use or cached-free). */
  readonly blocks: readonly number[];
  /** Per bucket, the most requests running or waiting, as the worker reported on its state changes. */
  readonly load: readonly number[];
}

export interface OccupancySeries {
  /** Bucket i covers [i × bucketMs, (i + 1) × bucketMs). */
  readonly bucketMs: number;
  /** Ascending by id; every series has the same number of buckets. */
  readonly workers: readonly WorkerOccupancy[];
}

/** A bucketed series of one quantity: the value now, and the peak of each bucket so far. */
interface Series {
  current: number;
  peaks: number[];
}

interface WorkerState {
  capacity: number | null;
  blocks: Series;
  load: Series;
}

/** Samples every worker's cache occupancy and load from the bus; `series(endMs)` gives the buckets. */
export class OccupancySampler {
  private bucketMs = BUCKET_MS;
  private readonly workers = new Map<WorkerId, WorkerState>();

  /** Takes one bus message into account (messages arrive in time order). */
  observe(message: Message): void {
    switch (message.type) {
      case 'WORKER.UP': {
        const worker = this.worker(message.workerId);
        worker.capacity = message.capacity === 'unbounded' ? null : message.capacity;
        this.set(worker.blocks, 0, message.at); // a (re)started worker holds nothing
        break;
      }
      case 'WORKER.DOWN':
        this.set(this.worker(message.workerId).load, 0, message.at);
        break;
      case 'WORKER.STATE':
        this.set(this.worker(message.workerId).load, message.running + message.waiting, message.at);
        break;
      case 'KV.STORED': {
        const blocks = this.worker(message.workerId).blocks;
        this.set(blocks, blocks.current + message.hashes.length, message.at);
        break;
      }
      case 'KV.REMOVED': {
        const blocks = this.worker(message.workerId).blocks;
        this.set(blocks, Math.max(0, blocks.current - message.hashes.length), message.at);
        break;
      }
      case 'KV.CLEARED':
        this.set(this.worker(message.workerId).blocks, 0, message.at);
        break;
      default:
        break;
    }
  }

  /** The buckets up to `endMs` (the run's end), every worker's series of equal length. */
  series(endMs: number): OccupancySeries {
    this.fitBucket(endMs);
    const last = Math.floor(endMs / this.bucketMs);
    const ids = [...this.workers.keys()].sort((a, b) => a - b);
    return {
      bucketMs: this.bucketMs,
      workers: ids.map((id) => {
        const w = this.workers.get(id)!;
        return { id, capacity: w.capacity, blocks: filled(w.blocks, last), load: filled(w.load, last) };
      }),
    };
  }

  private worker(id: WorkerId): WorkerState {
    let worker = this.workers.get(id);
    if (worker === undefined) {
      worker = { capacity: null, blocks: { current: 0, peaks: [] }, load: { current: 0, peaks: [] } };
      this.workers.set(id, worker);
    }
    return worker;
  }

  /** Sets `series` to `value` at `at`, raising the peak of the bucket that holds `at`. */
  private set(series: Series, value: number, at: number): void {
    this.fitBucket(at);
    const bucket = Math.floor(at / this.bucketMs);
    carryTo(series, bucket);
    series.peaks[bucket] = Math.max(series.peaks[bucket]!, value);
    series.current = value;
  }

  /** Widens the buckets (merging pairs in every series) until `at` falls in one of MAX_BUCKETS. */
  private fitBucket(at: number): void {
    while (Math.floor(at / this.bucketMs) >= MAX_BUCKETS) {
      this.bucketMs *= 2;
      for (const w of this.workers.values()) {
        mergePairs(w.blocks);
        mergePairs(w.load);
      }
    }
  }
}

/** Extends `series` to hold bucket `bucket`, each new bucket starting at the value carried in. */
function carryTo(series: Series, bucket: number): void {
  while (series.peaks.length <= bucket) series.peaks.push(series.current);
}

function mergePairs(series: Series): void {
  const merged: number[] = [];
  for (let i = 0; i < series.peaks.length; i += 2) merged.push(Math.max(series.peaks[i]!, series.peaks[i + 1] ?? series.peaks[i]!));
  series.peaks = merged;
}

function filled(series: Series, last: number): number[] {
  carryTo(series, last);
  return series.peaks.slice(0, last + 1);
}
