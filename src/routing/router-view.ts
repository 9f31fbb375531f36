// The router's whole view of the cluster (DESIGN §3.5): which blocks it believes each worker
// holds (a PrefixIndex), each worker's load (a LoadTracker) and which workers are alive. The
// router never reads a worker's cache; everything here comes from its own decisions and the
// messages it receives.
//
// Two ways to believe what a worker holds, chosen per run:
//   'events' — only the workers' KV events (stored / removed / cleared) change the index.
//   'approx' — the router's own decisions: every prompt block of a request it sent to a worker is
//              assumed to be there, until the view's own rules drop it (ApproxTree: never, by
//              default). This is what SGLang's and AIBrix's routers assume; it over-predicts once
//              a worker's cache fills, because the worker evicts blocks the router still believes
//              it holds.

import { DEFAULT_BLOCK_SIZE, type BlockHash } from '../cache/hash.ts';
import { prefillMs, type LatencyModel } from '../latency-model.ts';
import type { RequestId, WorkerId } from '../messages.ts';
import { ApproxTree, NO_LIMITS, type ApproxLimits } from './approx-tree.ts';
import { RoutingOptionError, UnknownWorkerError } from './errors.ts';
import { LoadTracker } from './load-tracker.ts';
import { PrefixIndex } from './prefix-index.ts';
import type { RouteRequest, RoutingContext, ViewSpec, WorkerLoad } from './types.ts';

export type ViewMode = 'events' | 'approx';

export interface RouterViewOptions {
  readonly workers: number;
  readonly mode: ViewMode;
  readonly latency: LatencyModel;
  /** Tokens per block (16 by default); must match the hasher's. */
  readonly blockSize?: number;
  /** In 'approx' mode: when the view forgets what it sent (never, by default). */
  readonly limits?: ApproxLimits;
  /** Blocks per worker, as strategies see it (Infinity by default). */
  readonly capacity?: number;
  /** The seeded draws strategies use for random ties (always 0 by default: the first of the tied). */
  readonly random?: () => number;
}

/** A worker's load before anything is sent to it: alive, empty. */
export function idleWorkerLoad(id: WorkerId, capacity: number): WorkerLoad {
  return { id, alive: true, inFlight: 0, sent: 0, outstandingMs: 0, waiting: 0, queuedPrefillMs: 0, prefillTokens: 0, uncachedTokens: 0, activeBlocks: 0, capacity, viewBlocks: 0 };
}

/** The RouterView options that a strategy's view spec stands for. */
export function viewOptions(spec: ViewSpec): { mode: ViewMode; limits?: ApproxLimits } {
  if (spec.kind === 'events') return { mode: 'events' };
  return {
    mode: 'approx',
    limits: {
      maxBlocks: spec.maxBlocks ?? NO_LIMITS.maxBlocks,
      shared: spec.shared ?? NO_LIMITS.shared,
      evictionIntervalMs: spec.evictionIntervalMs ?? NO_LIMITS.evictionIntervalMs,
      ttlMs: spec.ttlMs ?? NO_LIMITS.ttlMs,
    },
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** context()'s reused result, writable from inside the view. */
interface ContextBuffer {
  now: number;
  readonly workers: Mutable<WorkerLoad>[];
  readonly matched: number[];
  readonly newBlocks: (worker: WorkerId) => number;
  readonly random: () => number;
  readonly prefillMs: (blocks: number) => number;
}

/** The prefix index, the load and the liveness of every worker, as the router believes them. */
export class RouterView {
  readonly mode: ViewMode;
  readonly workerCount: number;
  readonly blockSize: number;
  readonly index: PrefixIndex;
  /** The approximate view's record of what was sent where ('approx' mode only). */
  readonly tree: ApproxTree | undefined;
  private readonly load: LoadTracker;
  private readonly alive: Uint8Array;

  // Reused by context(): valid until the next call.
  private readonly matchScratch: Int32Array;
  // The hashes of the request context() was last asked about, for its newBlocks().
  private contextHashes: readonly BlockHash[] = [];
  private readonly contextOut: ContextBuffer;

  // Expected faults in the message stream, counted rather than thrown: a finish or prefill of an
  // id the view does not know (e.g. a request forgotten when its worker went down).
  private unknownFinishCount = 0;
  private unknownPrefillCount = 0;

  constructor(options: RouterViewOptions) {
    const { workers, mode, latency } = options;
    const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RoutingOptionError(`workers is ${workers}; it must be a positive integer`);
    }
    if (mode !== 'events' && mode !== 'approx') {
      throw new RoutingOptionError(`view mode '${String(mode)}' is unknown; valid: events, approx`);
    }
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new RoutingOptionError(`blockSize is ${blockSize}; it must be a positive integer`);
    }
    this.mode = mode;
    this.workerCount = workers;
    this.blockSize = blockSize;
    const capacity = options.capacity ?? Infinity;
    if (!(capacity >= 1)) throw new RoutingOptionError(`capacity is ${capacity}; it must be ≥ 1 block (Infinity: unbounded)`);
    this.index = new PrefixIndex(workers);
    this.tree = mode === 'approx' ? new ApproxTree(this.index, options.limits ?? NO_LIMITS) : undefined;
    this.load = new LoadTracker(workers, latency);
    this.alive = new Uint8Array(workers).fill(1);
    this.matchScratch = new Int32Array(workers);
    this.contextOut = {
      now: 0,
      workers: Array.from({ length: workers }, (_, id) => idleWorkerLoad(id, capacity)),
      matched: new Array<number>(workers).fill(0),
      newBlocks: (worker) => this.load.newBlocks(worker, this.contextHashes),
      random: options.random ?? (() => 0),
      prefillMs: (blocks) => prefillMs(latency, blocks),
    };
  }

  // --- KV events (the 'events' view); ignored in 'approx' mode -------------------------------

  /** A worker announced stored blocks. */
  onKvStored(worker: WorkerId, hashes: readonly BlockHash[]): void {
    if (this.mode === 'events') this.index.store(worker, hashes);
  }

  /** A worker announced removed (evicted) blocks. */
  onKvRemoved(worker: WorkerId, hashes: readonly BlockHash[]): void {
    if (this.mode === 'events') this.index.remove(worker, hashes);
  }

  /** A worker announced that it dropped its whole cache. */
  onKvCleared(worker: WorkerId): void {
    if (this.mode === 'events') this.index.clear(worker);
  }

  // --- Requests ----------------------------------------------------------------------------

  /**
   * The router sent `request` to `worker`: count it and add its estimated work, with the blocks
   * the view predicts cached there taken off its prefill. `now` does not enter the estimate of a
   * request not yet prefilled; it is in the signature so that every event reads the same.
   */
  onRouted(request: RouteRequest, worker: WorkerId, now: number): void {
    this.check(worker);
    const blocks = Math.ceil(request.promptTokens / this.blockSize);
    const cached = this.index.match(worker, request.hashes);
    this.load.add(request.id, worker, Math.max(0, blocks - cached), request.maxTokens, {
      hashes: request.hashes,
      promptTokens: request.promptTokens,
      uncachedTokens: Math.max(0, request.promptTokens - cached * this.blockSize),
      partial: request.promptTokens % this.blockSize !== 0,
    });
    // 'approx': the router's own decision is its only evidence (see the header).
    this.tree?.record(worker, request.hashes, now);
  }

  /** The worker finished the request's prefill at `now`: its decode is expected to end at now + decodeStepMs × maxTokens. */
  onPrefilled(requestId: RequestId, now: number): void {
    if (!this.load.prefilled(requestId, now)) this.unknownPrefillCount++;
  }

  /** The request completed, was rejected or failed: it leaves its worker's load. Unknown ids are counted. */
  onFinished(requestId: RequestId, now: number): void {
    if (!this.load.finished(requestId)) this.unknownFinishCount++;
  }

  // --- Workers -----------------------------------------------------------------------------

  /**
   * The worker went down: it is never chosen, its cache is gone, and the requests it had are
   * forgotten (their finishes will count as unknown). Returns their ids, in routing order.
   */
  onWorkerDown(worker: WorkerId): RequestId[] {
    this.check(worker);
    this.alive[worker] = 0;
    this.clearView(worker);
    return this.load.forget(worker);
  }

  /** The worker is up (again), with an empty cache. */
  onWorkerUp(worker: WorkerId): void {
    this.check(worker);
    // A worker restarts with an empty cache; clearing again also drops KV events that arrived
    // late, after it went down.
    if (this.alive[worker] === 0) this.clearView(worker);
    this.alive[worker] = 1;
  }

  private clearView(worker: WorkerId): void {
    if (this.tree === undefined) this.index.clear(worker);
    else this.tree.clear(worker);
  }

  // --- Reading the view --------------------------------------------------------------------

  /** Whether the view counts `worker` as alive. */
  isAlive(worker: WorkerId): boolean {
    this.check(worker);
    return this.alive[worker] === 1;
  }

  /** Finishes of request ids the view did not know (ignored). */
  get unknownFinishes(): number {
    return this.unknownFinishCount;
  }

  /** Prefills of request ids the view did not know (ignored). */
  get unknownPrefills(): number {
    return this.unknownPrefillCount;
  }

  /** Requests in flight (known to the view) across all workers. */
  get inFlightTotal(): number {
    return this.load.total;
  }

  /** The router's estimate of `worker`'s outstanding work at `now`, in ms (formula in LoadTracker). */
  outstandingMs(worker: WorkerId, now: number): number {
    this.check(worker);
    return this.load.outstandingMs(worker, now);
  }

  /**
   * What a strategy sees for `request` at `now`. NOTE: the returned object and its arrays are
   * reused: they stay valid until the next call to context(), and must be copied to be kept.
   */
  context(request: RouteRequest, now: number): RoutingContext {
    this.tree?.prune(now);
    const scratch = this.index.matchAll(request.hashes, this.matchScratch);
    const out = this.contextOut;
    out.now = now;
    this.contextHashes = request.hashes;
    for (let w = 0; w < this.workerCount; w++) {
      // RoutingContext.matched is a number[], which an Int32Array is not: copied, one slot per worker.
      out.matched[w] = scratch[w]!;
      this.fillLoad(out.workers[w]!, now);
    }
    return out;
  }

  /** Writes worker `load.id`'s load at `now` into `load` (capacity and id stay). */
  private fillLoad(load: Mutable<WorkerLoad>, now: number): void {
    const w = load.id;
    load.alive = this.alive[w] === 1;
    load.inFlight = this.load.inFlight(w);
    load.sent = this.load.sent(w);
    load.outstandingMs = this.load.outstandingMs(w, now);
    load.waiting = this.load.waiting(w);
    load.queuedPrefillMs = this.load.queuedPrefillMs(w);
    load.prefillTokens = this.load.prefillTokens(w);
    load.uncachedTokens = this.load.uncachedTokens(w);
    load.activeBlocks = this.load.activeBlocks(w);
    load.viewBlocks = this.tree?.size(w) ?? this.index.sizeOf(w);
  }

  /** Every worker's load at `now`, as fresh objects the caller may keep. */
  loads(now: number): WorkerLoad[] {
    return this.contextOut.workers.map((template) => {
      const load = { ...template };
      this.fillLoad(load, now);
      return load;
    });
  }

  private check(worker: WorkerId): void {
    if (!Number.isInteger(worker) || worker < 0 || worker >= this.workerCount) {
      throw new UnknownWorkerError(worker, this.workerCount);
    }
  }
}
