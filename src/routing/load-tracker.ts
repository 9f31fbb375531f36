// Each worker's load as the router sees it (DESIGN §3.5): requests in flight, requests sent, and
// an estimate of the outstanding work in ms, kept as running sums so that each event is O(1)
// amortised. Only a finish (or a prefill) of the request holding a worker's maximum rescans that
// worker's in-flight set.

import type { LatencyModel } from '../latency-model.ts';
import type { RequestId, WorkerId } from '../messages.ts';
import { DuplicateRequestError } from './errors.ts';

/** One request the router sent and has not seen finish. */
interface InFlight {
  readonly id: RequestId;
  readonly worker: WorkerId;
  /** Estimated prefill of its uncached blocks, in ms; pending until it is prefilled. */
  readonly prefillMs: number;
  /** decodeStepMs × maxTokens: its decode if it runs alone. */
  readonly decodeMs: number;
  prefilled: boolean;
  /** prefilledAt + decodeMs, once prefilled (−∞ before). */
  decodeEnd: number;
}

/** In-flight requests per worker and the estimate of their outstanding work. */
export class LoadTracker {
  private readonly inFlightCount: Int32Array;
  private readonly sentCount: Float64Array;
  /** Σ prefillMs of the worker's requests not yet prefilled (a running sum). */
  private readonly pendingPrefillMs: Float64Array;
  /** How many of the worker's in-flight requests are not yet prefilled. */
  private readonly waitingCount: Int32Array;
  /** Max decodeMs among the worker's requests not yet prefilled (0 when none). */
  private readonly waitingDecodeMs: Float64Array;
  /** Latest decodeEnd among the worker's prefilled in-flight requests (−∞ when none). */
  private readonly latestDecodeEnd: Float64Array;
  private readonly byId = new Map<RequestId, InFlight>();
  /** Each worker's in-flight requests, in routing order. */
  private readonly byWorker: Set<InFlight>[];

  constructor(readonly workerCount: number, private readonly latency: LatencyModel) {
    this.inFlightCount = new Int32Array(workerCount);
    this.sentCount = new Float64Array(workerCount);
    this.pendingPrefillMs = new Float64Array(workerCount);
    this.waitingCount = new Int32Array(workerCount);
    this.waitingDecodeMs = new Float64Array(workerCount);
    this.latestDecodeEnd = new Float64Array(workerCount).fill(-Infinity);
    this.byWorker = Array.from({ length: workerCount }, () => new Set<InFlight>());
  }

  /** Requests sent to `worker` and not finished. */
  inFlight(worker: WorkerId): number {
    return this.inFlightCount[worker]!;
  }

  /** Requests sent to `worker` so far. */
  sent(worker: WorkerId): number {
    return this.sentCount[worker]!;
  }

  /** Requests in flight on all workers. */
  get total(): number {
    return this.byId.size;
  }

  /** Counts a request sent to `worker` that must compute `uncachedBlocks` and generate up to `maxTokens`. */
  add(id: RequestId, worker: WorkerId, uncachedBlocks: number, maxTokens: number): void {
    const known = this.byId.get(id);
    if (known !== undefined) throw new DuplicateRequestError(id, known.worker);
    const entry: InFlight = {
      id,
      worker,
      prefillMs: this.latency.prefillBaseMs + this.latency.prefillPerBlockMs * uncachedBlocks,
      decodeMs: this.latency.decodeStepMs * maxTokens,
      prefilled: false,
      decodeEnd: -Infinity,
    };
    this.byId.set(id, entry);
    this.byWorker[worker]!.add(entry);
    this.inFlightCount[worker]!++;
    this.sentCount[worker]!++;
    this.pendingPrefillMs[worker]! += entry.prefillMs;
    this.waitingCount[worker]!++;
    if (entry.decodeMs > this.waitingDecodeMs[worker]!) this.waitingDecodeMs[worker] = entry.decodeMs;
  }

  /** The request's prefill ended at `now`; false for an unknown id. */
  prefilled(id: RequestId, now: number): boolean {
    const entry = this.byId.get(id);
    if (entry === undefined) return false;
    // NOTE: a second prefill (after a preemption) keeps the first estimate: the router does not
    // know how many tokens were generated before the preemption.
    if (entry.prefilled) return true;
    const w = entry.worker;
    this.leaveWaiting(entry);
    entry.prefilled = true;
    entry.decodeEnd = now + entry.decodeMs;
    if (entry.decodeEnd > this.latestDecodeEnd[w]!) this.latestDecodeEnd[w] = entry.decodeEnd;
    return true;
  }

  /** The request left its worker (completed, rejected, failed); false for an unknown id. */
  finished(id: RequestId): boolean {
    const entry = this.byId.get(id);
    if (entry === undefined) return false;
    const w = entry.worker;
    this.byId.delete(id);
    this.byWorker[w]!.delete(entry);
    this.inFlightCount[w]!--;
    if (!entry.prefilled) {
      this.leaveWaiting(entry);
    } else if (entry.decodeEnd === this.latestDecodeEnd[w]) {
      // Only the request holding the max can lower it: rescan this worker's in-flight set.
      let latest = -Infinity;
      for (const other of this.byWorker[w]!) if (other.prefilled && other.decodeEnd > latest) latest = other.decodeEnd;
      this.latestDecodeEnd[w] = latest;
    }
    return true;
  }

  /** Drops every request in flight on `worker` (its `sent` count stays); returns their ids in routing order. */
  forget(worker: WorkerId): RequestId[] {
    const lost: RequestId[] = [];
    for (const entry of this.byWorker[worker]!) {
      lost.push(entry.id);
      this.byId.delete(entry.id);
    }
    this.byWorker[worker]!.clear();
    this.inFlightCount[worker] = 0;
    this.pendingPrefillMs[worker] = 0;
    this.waitingCount[worker] = 0;
    this.waitingDecodeMs[worker] = 0;
    this.latestDecodeEnd[worker] = -Infinity;
    return lost;
  }

  /**
   * outstanding(w, now) = Σ prefillMs of w's requests not yet prefilled
   *   + max(0, latest decodeEnd of its prefilled requests − now, max decodeMs of those not yet prefilled)
   * Decode is batched, so running sequences advance in parallel: the decode remainders combine
   * by max, not by sum (the sum would count every decode step once per sequence). Prefills are
   * summed, each with its own prefillBaseMs, which over-estimates a batched prefill step a little.
   */
  outstandingMs(worker: WorkerId, now: number): number {
    return this.pendingPrefillMs[worker]! + Math.max(0, this.latestDecodeEnd[worker]! - now, this.waitingDecodeMs[worker]!);
  }

  /** Takes a not-yet-prefilled request out of its worker's waiting sums. */
  private leaveWaiting(entry: InFlight): void {
    const w = entry.worker;
    if (--this.waitingCount[w]! === 0) {
      // Running sums of floats drift; with nothing left waiting they are exactly 0.
      this.pendingPrefillMs[w] = 0;
      this.waitingDecodeMs[w] = 0;
      return;
    }
    this.pendingPrefillMs[w]! -= entry.prefillMs;
    if (entry.decodeMs === this.waitingDecodeMs[w]) {
      // Only the request holding the max can lower it: rescan this worker's waiting requests.
      let maxDecode = 0;
      for (const other of this.byWorker[w]!) {
        if (other !== entry && !other.prefilled && other.decodeMs > maxDecode) maxDecode = other.decodeMs;
      }
      this.waitingDecodeMs[w] = maxDecode;
    }
  }
}
