// Each worker's load as the router sees it (DESIGN §3.5): requests in flight, requests sent, and
// an estimate of the outstanding work in ms, kept as running sums so that each event is O(1)
// amortised. Only a finish (or a prefill) of the request holding a worker's maximum rescans that
// worker's in-flight set.

import type { BlockHash } from '../cache/hash.ts';
import { decodeMs, prefillMs, type LatencyModel } from '../latency-model.ts';
import type { RequestId, WorkerId } from '../messages.ts';
import { ActiveBlocks } from './active-blocks.ts';
import { DuplicateRequestError } from './errors.ts';

/** The shape of a request's prompt, for the token and block counts (none: counted as empty). */
export interface PromptShape {
  readonly hashes: readonly BlockHash[];
  readonly promptTokens: number;
  /** Prompt tokens the router predicted uncached on the chosen worker. */
  readonly uncachedTokens: number;
  /** Whether the prompt ends in a partial block. */
  readonly partial: boolean;
}

const EMPTY_PROMPT: PromptShape = { hashes: [], promptTokens: 0, uncachedTokens: 0, partial: false };

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
  readonly prompt: PromptShape;
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
  /** Σ prompt tokens, and Σ predicted uncached prompt tokens, of the worker's requests not yet prefilled. */
  private readonly waitingTokens: Float64Array;
  private readonly waitingUncachedTokens: Float64Array;
  private readonly active: ActiveBlocks;
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
    this.waitingTokens = new Float64Array(workerCount);
    this.waitingUncachedTokens = new Float64Array(workerCount);
    this.active = new ActiveBlocks(workerCount);
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

  /** Requests sent to `worker` whose prefill has not finished. */
  waiting(worker: WorkerId): number {
    return this.waitingCount[worker]!;
  }

  /** The estimated prefill, ms, of `worker`'s requests not yet prefilled. */
  queuedPrefillMs(worker: WorkerId): number {
    return this.pendingPrefillMs[worker]!;
  }

  /** Prompt tokens of `worker`'s requests not yet prefilled. */
  prefillTokens(worker: WorkerId): number {
    return this.waitingTokens[worker]!;
  }

  /** Predicted uncached prompt tokens of `worker`'s requests not yet prefilled. */
  uncachedTokens(worker: WorkerId): number {
    return this.waitingUncachedTokens[worker]!;
  }

  /** Distinct prompt blocks of `worker`'s in-flight requests (see ActiveBlocks). */
  activeBlocks(worker: WorkerId): number {
    return this.active.blocks(worker);
  }

  /** How many of `hashes` no in-flight request on `worker` holds. */
  newBlocks(worker: WorkerId, hashes: readonly BlockHash[]): number {
    return this.active.newBlocks(worker, hashes);
  }

  /** Requests in flight on all workers. */
  get total(): number {
    return this.byId.size;
  }

  /** Counts a request sent to `worker` that must compute `uncachedBlocks` and generate up to `maxTokens`. */
  add(id: RequestId, worker: WorkerId, uncachedBlocks: number, maxTokens: number, prompt: PromptShape = EMPTY_PROMPT): void {
    const known = this.byId.get(id);
    if (known !== undefined) throw new DuplicateRequestError(id, known.worker);
    const entry: InFlight = {
      id,
      worker,
      prefillMs: prefillMs(this.latency, uncachedBlocks),
      decodeMs: decodeMs(this.latency, maxTokens),
      prefilled: false,
      decodeEnd: -Infinity,
      prompt,
    };
    this.byId.set(id, entry);
    this.byWorker[worker]!.add(entry);
    this.inFlightCount[worker]!++;
    this.sentCount[worker]!++;
    this.pendingPrefillMs[worker]! += entry.prefillMs;
    this.waitingCount[worker]!++;
    this.waitingTokens[worker]! += prompt.promptTokens;
    this.waitingUncachedTokens[worker]! += prompt.uncachedTokens;
    this.active.add(worker, prompt.hashes, prompt.partial);
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
    this.active.remove(w, entry.prompt.hashes, entry.prompt.partial);
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
    this.waitingTokens[worker] = 0;
    this.waitingUncachedTokens[worker] = 0;
    this.active.clear(worker);
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
      this.waitingTokens[w] = 0;
      this.waitingUncachedTokens[w] = 0;
      return;
    }
    this.pendingPrefillMs[w]! -= entry.prefillMs;
    this.waitingTokens[w]! -= entry.prompt.promptTokens;
    this.waitingUncachedTokens[w]! -= entry.prompt.uncachedTokens;
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
