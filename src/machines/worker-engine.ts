// The rules of one worker's engine (DESIGN §3.4), as plain methods over its block pool. The
// worker machine decides *when* (states, timers); this class decides *what* happens in a step.
//
//   prefill step: admit waiting requests in arrival order while blocks, the batch and the token
//                 budget allow; a prompt larger than the budget left is prefilled in chunks over
//                 several steps, one decode step between two chunks while others are running
//                 (vLLM's chunked prefill, its decodes interleaved rather than mixed in).
//   decode step:  every running sequence gets one token (decode-step.ts: a slot for each token,
//                 preempting the most recently admitted sequence when no block is free; the
//                 tokens; the completions).
//
// A decode *segment* is a run of steps with nothing in it that changes the batch: it ends at the
// earliest completion (maximum tokens or end-of-text), at the first step that may lack a block,
// or at the step boundary after an arrival that could be admitted. Steps are processed one by
// one with their own times whether a segment holds one step or many, so both give the same
// results. How long a step lasts is the latency model's answer (src/latency-model.ts); `sync()`
// processes the steps already over, so that what they announce is on the bus before anything else
// happens at that time.
//
// Admission is decided once per event: between steps by allocating the first waiting request's
// blocks (`startPrefill`), on an arrival by `acceptIntoPrefill` or `acceptDuringDecode`; the
// machine follows what the engine did and never asks it the same question twice.
//
// Helpers: a request on the worker (sequence.ts), the prefill step's figures (prefill-shape.ts),
// the segment's bounds (segment-bounds.ts), its step ends (step-times.ts), its tokens
// (token-prefetch.ts), the end of a decode step (decode-step.ts); the rule that rejects a request
// at once (src/cache/never-fits.ts).

import { BlockPool, type Allocation } from '../cache/block-pool.ts';
import type { ChainHasher } from '../cache/hash.ts';
import { neverFits, type NeverFits } from '../cache/never-fits.ts';
import { DEFAULT_MAX_RUNNING } from '../batch-limits.ts';
import type { LatencyModel } from '../latency-model.ts';
import type { EngineState, Message, RequestRouted, WorkerId } from '../messages.ts';
import type { TokenSource } from '../model/token-source.ts';
import { endDecodeStep, type DecodeStepWorker, type Finish } from './decode-step.ts';
import { addChunk, clearPrefillShape, emptyPrefillShape, type PrefillShape } from './prefill-shape.ts';
import { firstFillStep, firstHeadMatchStep, firstShortageStep, kvEventWithin } from './segment-bounds.ts';
import { newSequence, type Sequence } from './sequence.ts';
import { decodeStepEnds, tabledSteps, uniformSteps, type StepTimes } from './step-times.ts';
import { TokenPrefetch, type PendingWork } from './token-prefetch.ts';

/** Most steps a segment holds when its steps differ: its table of step ends is computed when planned. */
const TABLED_SEGMENT_STEPS = 64;

export interface WorkerEngineOptions {
  readonly id: WorkerId;
  readonly pool: BlockPool;
  readonly hasher: ChainHasher;
  readonly latency: LatencyModel;
  readonly tokens: TokenSource;
  /** Virtual time in ms: the cluster's clock. */
  readonly now: () => number;
  /** Where the engine's messages go (the bus); called synchronously as things happen. */
  readonly publish: (message: Message) => void;
  /** Most sequences prefilling or running at once (vLLM's max_num_seqs); 256 by default. */
  readonly maxRunning?: number;
  /** Most prompt tokens one prefill step computes (vLLM's max_num_batched_tokens); unlimited by default. */
  readonly maxBatchedTokens?: number;
  /** Most tokens (prompt + output) of one request; unlimited by default. */
  readonly maxContextTokens?: number;
  /** Most decode steps in one segment: Infinity (virtual time) or 1 (step by step). */
  readonly stepsPerSegment?: number;
  /** Told when the engine waits for an asynchronous token source, so the run loop can wait too. */
  readonly pendingWork?: PendingWork;
  /** Check the cache invariants after every step (slow; for tests and soak runs). */
  readonly debug?: boolean;
}

interface Segment {
  /** Steps in the segment; an arrival may shorten it, never below `done`. */
  steps: number;
  /** Steps processed so far. */
  done: number;
  /** When each step ends: fixed for the segment (a stall takes effect at the next one). */
  readonly times: StepTimes;
  /** Whether steps differ in length, so each token carries its own time. */
  readonly tabled: boolean;
}

export class WorkerEngine {
  readonly id: WorkerId;
  /** The worker's cache; a new, empty one after the worker goes down. */
  private cache: BlockPool;
  private readonly hasher: ChainHasher;
  private readonly baseLatency: LatencyModel;
  /** The latency model in force: the base one, slowed down while the worker is stalled. */
  private latency: LatencyModel;
  /** A stall not applied yet: it takes effect at the next step that starts. */
  private pendingSlowdown: number | null = null;
  private readonly source: TokenSource;
  private readonly now: () => number;
  private readonly maxRunning: number;
  private readonly maxBatchedTokens: number;
  private readonly maxContextTokens: number;
  private readonly stepsPerSegment: number;
  private readonly waiting: Sequence[] = [];
  private prefilling: Sequence[] = [];
  private readonly running: Sequence[] = [];
  /** A sequence whose prefill a step's token budget cut short: the next prefill step goes on with it. */
  private partial: Sequence | null = null;
  /** Whether the last step was a chunk of `partial`'s prefill (a decode step comes next, if any runs). */
  private chunkedLast = false;
  /** When the last preemption happened: a step that preempts admits nothing (vLLM's scheduler does not schedule waiting requests in a step that preempted). */
  private preemptedAt = Number.NEGATIVE_INFINITY;
  private prefillStartedAt = -1;
  /** What the current prefill step computes, and the token budget it has left. */
  private readonly prefillShape: PrefillShape = emptyPrefillShape();
  private budgetLeft = Infinity;
  private prefillEndsAt = 0;
  /** Each running sequence's context, reused while a segment's step table is built. */
  private readonly contexts: number[] = [];
  private segment: Segment | null = null;
  private readonly prefetch: TokenPrefetch;
  /** What a decode step sees of this engine (decode-step.ts). */
  private readonly stepWorker: DecodeStepWorker;
  private readonly debug: boolean;
  // A worker starts idle; WORKER.UP announces that.
  private announced: EngineState = 'idle';
  private readonly publish: (message: Message) => void;

  constructor(options: WorkerEngineOptions) {
    this.id = options.id;
    this.cache = options.pool;
    this.hasher = options.hasher;
    this.baseLatency = options.latency;
    this.latency = options.latency;
    this.source = options.tokens;
    this.now = options.now;
    this.publish = options.publish;
    this.prefetch = new TokenPrefetch(options.tokens, options.pendingWork);
    const cache = (): BlockPool => this.cache; // a new one after the worker goes down
    const eos = (): number | null => this.source.eosTokenId;
    this.stepWorker = {
      running: this.running,
      get pool() {
        return cache();
      },
      hasher: this.hasher,
      get eosTokenId() {
        return eos();
      },
      preempt: (seq, at) => this.preempt(seq, at),
      complete: (seq, at, finish) => this.complete(seq, at, finish),
      publishKv: (at) => this.publishKv(at),
    };
    this.debug = options.debug ?? false;
    this.maxRunning = options.maxRunning ?? DEFAULT_MAX_RUNNING;
    this.maxBatchedTokens = options.maxBatchedTokens ?? Infinity;
    this.maxContextTokens = options.maxContextTokens ?? Infinity;
    this.stepsPerSegment = options.stepsPerSegment ?? Infinity;
    if (!Number.isInteger(this.maxRunning) || this.maxRunning < 1) {
      throw new RangeError(`maxRunning is ${this.maxRunning}; it must be a positive integer`);
    }
    if (!(this.maxBatchedTokens >= 1)) throw new RangeError(`maxBatchedTokens is ${this.maxBatchedTokens}; it must be ≥ 1`);
    if (!(this.stepsPerSegment >= 1)) throw new RangeError(`stepsPerSegment is ${this.stepsPerSegment}; it must be ≥ 1`);
  }

  /** The worker's cache (a new, empty one after the worker went down). */
  get pool(): BlockPool {
    return this.cache;
  }

  /** Counts for snapshots and tests. */
  load(): { readonly waiting: number; readonly prefilling: number; readonly running: number } {
    return { waiting: this.waiting.length, prefilling: this.prefilling.length + (this.partial === null ? 0 : 1), running: this.running.length };
  }

  /** Announces the engine state if it changed. */
  enter(state: EngineState): void {
    if (state === this.announced) return;
    this.announced = state;
    this.publish({
      type: 'WORKER.STATE',
      at: this.now(),
      workerId: this.id,
      state,
      running: this.running.length,
      waiting: this.waiting.length,
    });
  }

  /** Queues a routed request, or rejects it at once if it can never run here; returns whether it was queued. */
  accept(message: RequestRouted): boolean {
    const { request } = message;
    const rejection = this.neverFits(message);
    if (rejection !== null) {
      this.publish({ type: 'REQUEST.REJECTED', at: this.now(), requestId: request.id, workerId: this.id, ...rejection });
      return false;
    }
    const seq = newSequence(message);
    this.waiting.push(seq);
    this.source.expect?.(seq); // a model source may compute its tokens with others' (token-source.ts)
    return true;
  }

  /**
   * A request routed during a prefill step, queued (or rejected). If the step started at this
   * very instant and the request is alone in line, it was waiting at the step's start: it joins
   * the step if its blocks can be allocated, and the step grows. Returns whether the step's timer
   * must be re-armed.
   */
  acceptIntoPrefill(message: RequestRouted): boolean {
    if (!this.accept(message) || !this.prefillJustStarted() || !this.aloneInLine()) return false;
    const seq = this.waiting[0] as Sequence;
    // NOTE: with the step's token budget spent, a request that fits waits for the next step, and
    // the timer is re-armed all the same (at the same end): re-arming gives the timer a later
    // place among those due at that instant, and runs stay byte-identical with earlier versions.
    if (this.budgetLeft <= 0) return this.pool.canAllocate(seq.hashes, seq.promptTokens);
    this.admitWaiting();
    return this.waiting.length === 0;
  }

  /**
   * A request routed during a decode segment (or while its tokens are computed), queued (or
   * rejected). If it could be admitted at once — alone in line, its blocks free now — the segment
   * is cut at the next step boundary, so that its prefill goes next. Returns whether it was cut.
   */
  acceptDuringDecode(message: RequestRouted): boolean {
    if (!this.accept(message) || !this.aloneInLine()) return false;
    const seq = this.waiting[0] as Sequence;
    if (!this.pool.canAllocate(seq.hashes, seq.promptTokens)) return false;
    this.cutSegment();
    return true;
  }

  /** Whether the request just queued is the only one waiting, with room for it in the batch and no preemption at this instant. */
  private aloneInLine(): boolean {
    return this.waiting.length === 1 && this.partial === null && !this.preemptedThisInstant() && this.batchSize() < this.maxRunning;
  }

  /** Whether a preemption happened at this very instant while sequences still run: the next step is theirs (decode), not an admission. */
  private preemptedThisInstant(): boolean {
    return this.preemptedAt === this.now() && this.running.length > 0;
  }

  /** Whether any sequence is decoding. */
  hasRunning(): boolean {
    return this.running.length > 0;
  }

  /**
   * Starts a prefill step if one goes next: a chunked prefill goes on (after one decode step, if
   * any sequence runs), or the first waiting request is admitted if its blocks can be allocated
   * now (FCFS: nobody overtakes it), and with it every next one that fits. Allocating is the
   * admission decision: nothing asks the pool beforehand. The step's length follows its blocks;
   * the prefill state is announced before the step's admissions.
   */
  startPrefill(): void {
    const partial = this.partial;
    if (partial !== null) {
      if (this.chunkedLast && this.running.length > 0) return;
      this.beginPrefillStep();
      this.partial = null;
      this.prefilling.push(partial);
      this.takeChunk(partial);
    } else {
      const seq = this.waiting[0];
      if (seq === undefined || this.preemptedThisInstant() || this.batchSize() >= this.maxRunning) return;
      const allocation = this.pool.allocate(seq.requestId, seq.hashes, seq.promptTokens + seq.generated);
      if (allocation === null) return;
      this.beginPrefillStep();
      this.admit(seq, allocation);
    }
    this.admitWaiting();
  }

  /** A prefill step begins now: announced, a stall applied, its figures cleared, its token budget full. */
  private beginPrefillStep(): void {
    this.enter('prefill');
    this.applySlowdown();
    this.prefillStartedAt = this.now();
    clearPrefillShape(this.prefillShape);
    this.budgetLeft = this.maxBatchedTokens;
  }

  /** Whether a prefill step is under way: `startPrefill` started one that has not finished. */
  inPrefillStep(): boolean {
    return this.prefilling.length > 0;
  }

  /** Whether the current prefill step started at this very instant (so it can still take more). */
  private prefillJustStarted(): boolean {
    return this.prefillStartedAt === this.now() && this.prefilling.length > 0;
  }

  /** Admits waiting requests in order while they fit, then prices the step. */
  private admitWaiting(): void {
    while (this.waiting.length > 0 && this.batchSize() < this.maxRunning && this.budgetLeft > 0) {
      const seq = this.waiting[0] as Sequence;
      const allocation = this.pool.allocate(seq.requestId, seq.hashes, seq.promptTokens + seq.generated);
      if (allocation === null) break;
      this.admit(seq, allocation);
    }
    if (this.debug) this.cache.checkInvariants();
    this.prefillEndsAt = this.prefillStartedAt + this.latency.stepMs({ kind: 'prefill', ...this.prefillShape });
  }

  /** The first waiting sequence, its blocks allocated, joins the prefill step. */
  private admit(seq: Sequence, allocation: Allocation): void {
    const now = this.now();
    const numTokens = seq.promptTokens + seq.generated;
    this.waiting.shift();
    this.prefilling.push(seq);
    seq.prefillLeft = Math.max(0, numTokens - allocation.cachedBlocks * this.pool.blockSize);
    this.takeChunk(seq);
    this.publish({
      type: 'REQUEST.ADMITTED',
      at: now,
      requestId: seq.requestId,
      workerId: this.id,
      cachedBlocks: allocation.cachedBlocks,
      computedBlocks: allocation.computedBlocks,
      promptTokens: numTokens,
    });
    this.publishKv(now);
  }

  /** Adds the next chunk of `seq`'s prefill to the step: as much of what it has left as the budget allows. */
  private takeChunk(seq: Sequence): void {
    const chunk = Math.min(seq.prefillLeft, this.budgetLeft);
    const before = seq.promptTokens + seq.generated - seq.prefillLeft; // cached, or computed by earlier chunks
    seq.prefillLeft -= chunk;
    this.budgetLeft -= chunk;
    addChunk(this.prefillShape, before, chunk, this.pool.blockSize);
  }

  /** Virtual ms until the current prefill step ends. */
  prefillRemainingMs(): number {
    return Math.max(0, this.prefillEndsAt - this.now());
  }

  /** The prefill step is over: its sequences join the running batch, but one whose prefill was cut short. */
  finishPrefill(): void {
    const now = this.now();
    this.chunkedLast = false;
    for (const seq of this.prefilling) {
      if (seq.prefillLeft > 0) {
        this.partial = seq;
        this.chunkedLast = true;
        continue;
      }
      this.publish({ type: 'REQUEST.PREFILLED', at: now, requestId: seq.requestId, workerId: this.id });
      this.running.push(seq);
    }
    this.prefilling = [];
  }

  /**
   * Plans the next decode segment from now and computes its tokens ahead; with a source that
   * answers asynchronously, the computing goes on in `tokensReady()`. Within a segment already
   * planned (its state re-entered after a cut, or after its tokens arrived), does nothing.
   */
  startSegment(): void {
    if (this.segment !== null) return;
    this.applySlowdown();
    this.chunkedLast = false;
    const uniformMs = this.latency.uniformDecodeMs;
    const bs = this.pool.blockSize;
    // A chunked prefill waits for one decode step only, and so does a waiting request held back
    // by a preemption at this instant; a table of step ends is built ahead.
    let steps = this.partial !== null || (this.preemptedThisInstant() && this.waiting.length > 0) ? 1 : uniformMs === null ? Math.min(this.stepsPerSegment, TABLED_SEGMENT_STEPS) : this.stepsPerSegment;
    for (const seq of this.running) steps = Math.min(steps, seq.spec.maxTokens - seq.generated);
    steps = Math.min(steps, firstShortageStep(this.running, this.pool.freeBlocks(), bs, steps), this.headMatchStep());
    // A block a running sequence fills may turn out to be one the pool holds already: the pool
    // shares that one and hands the new one back, and the freed block can make the waiting head fit.
    if (this.waiting.length > 0) steps = Math.min(steps, firstFillStep(this.running, bs));
    if (steps < 1 || !Number.isFinite(steps)) throw new Error(`worker ${this.id}: planned a segment of ${steps} steps`);
    const start = this.now();
    const times = uniformMs === null ? tabledSteps(decodeStepEnds(start, steps, this.running, this.latency, this.contexts)) : uniformSteps(start, uniformMs);
    this.segment = { steps, done: 0, times, tabled: uniformMs === null };
    this.prefetch.start(this.segment, this.running);
  }

  /** The first step at which a running sequence fills the block where the waiting head's cached prefix stops (see firstHeadMatchStep). */
  private headMatchStep(): number {
    const head = this.waiting[0];
    if (head === undefined) return Infinity;
    return firstHeadMatchStep(this.running, head.hashes, this.pool.lookup(head.hashes), this.pool.blockSize);
  }

  /** Whether the segment's tokens are still being computed by an asynchronous source. */
  awaitingTokens(): boolean {
    return this.prefetch.pending;
  }

  /**
   * Resolves when the segment's tokens are computed (virtual time stands still meanwhile: the
   * cluster's run loop waits for it). Counted as pending work until `tokensArrived()`.
   */
  tokensReady(): Promise<void> {
    return this.prefetch.ready();
  }

  /** The tokens are in: the segment can run. */
  tokensArrived(): void {
    this.prefetch.settle();
  }

  /** The token source failed: every running request fails with its reason; nothing is lost. */
  tokensFailed(error: unknown): void {
    this.prefetch.settle();
    const reason = `token source '${this.source.name}' failed: ${error instanceof Error ? error.message : String(error)}`;
    const at = this.now();
    for (const seq of this.running.splice(0)) {
      this.pool.release(seq.requestId);
      this.source.release?.(seq.requestId);
      this.publish({ type: 'REQUEST.FAILED', at, requestId: seq.requestId, workerId: this.id, reason });
    }
    this.segment = null;
  }

  /** Virtual ms until the current segment ends. */
  segmentRemainingMs(): number {
    const s = this.requireSegment('segmentRemainingMs');
    return Math.max(0, s.times.end(s.steps) - this.now());
  }

  /**
   * Whether steps of the current segment are over, not processed yet, and announce KV events
   * (a block fills, or a new block is taken and may evict): only then does `sync` matter to the
   * router.
   */
  hasKvEventsDue(): boolean {
    const s = this.segment;
    if (s === null) return false;
    const due = this.stepsOverBy(s) - s.done;
    return due > 0 && kvEventWithin(this.running, due, this.pool.blockSize);
  }

  /**
   * Processes the steps of the segment that are already over, except its last. Their outcome was
   * fixed when the segment was planned, so processing them now rather than at the segment's end
   * changes no result: it only puts what they announce on the bus at the right time.
   */
  sync(): void {
    const s = this.segment;
    if (s === null) return;
    const over = this.stepsOverBy(s);
    if (over > s.done) this.processSteps(s, over);
  }

  /** An admittable request arrived: end the segment at the next step boundary. */
  cutSegment(): void {
    const s = this.requireSegment('cutSegment');
    s.steps = Math.max(s.done, Math.min(s.steps, s.times.boundary(this.now())));
  }

  /** The segment's timer fired: process its remaining steps. */
  finishSegment(): void {
    const s = this.requireSegment('finishSegment');
    this.processSteps(s, s.steps);
    this.segment = null;
  }

  /**
   * The worker goes down: its cache is gone (a new, empty pool), and every request it held —
   * queued, prefilling or running — goes back to the router to be routed again from its prompt.
   * WORKER.DOWN comes first, so the router stops choosing this worker before the retries.
   */
  goDown(reason: string): void {
    // The steps of a decode segment that ended before the kill happened: their tokens and blocks
    // are on the bus before the worker goes down, as they would be step by step.
    this.sync();
    for (const seq of this.running) this.flushTokens(seq);
    const at = this.now();
    this.publish({ type: 'WORKER.DOWN', at, workerId: this.id, reason });
    if (this.prefetch.pending) this.prefetch.settle(); // the model's answer no longer matters
    const lost = [...this.running, ...this.prefilling, ...(this.partial === null ? [] : [this.partial]), ...this.waiting];
    this.running.length = 0;
    this.prefilling = [];
    this.partial = null;
    this.chunkedLast = false;
    this.waiting.length = 0;
    this.segment = null;
    this.cache = new BlockPool({ capacity: this.cache.capacity, blockSize: this.cache.blockSize, uncachedFreed: this.cache.uncachedFreed });
    this.publish({ type: 'KV.CLEARED', at, workerId: this.id });
    for (const seq of lost) {
      this.source.release?.(seq.requestId);
      this.publish({ type: 'REQUEST.RETRY', at, requestId: seq.requestId, workerId: this.id, request: seq.spec, reason: `worker ${this.id} went down: ${reason}` });
    }
    this.announced = 'idle';
  }

  /** A request routed here while the worker is down goes back to the router. */
  bounce(message: RequestRouted): void {
    const reason = `worker ${this.id} is down`;
    this.publish({ type: 'REQUEST.RETRY', at: this.now(), requestId: message.request.id, workerId: this.id, request: message.request, reason });
  }

  /** The worker is back, empty. */
  restart(): void {
    this.publish({ type: 'WORKER.UP', at: this.now(), workerId: this.id, capacity: this.cache.capacity });
  }

  /**
   * From the next step on, every step takes `factor` × as long (1 ends a stall). A decode segment
   * in progress is cut at the next step boundary, so step-by-step and segmented runs agree.
   */
  stall(factor: number): void {
    if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`stall factor is ${factor}; it must be a finite number > 0`);
    this.pendingSlowdown = factor;
    if (this.segment !== null) this.cutSegment();
  }

  private applySlowdown(): void {
    if (this.pendingSlowdown === null) return;
    const k = this.pendingSlowdown;
    this.latency = k === 1 ? this.baseLatency : this.baseLatency.slowed(k);
    this.pendingSlowdown = null;
  }

  private batchSize(): number {
    return this.running.length + this.prefilling.length + (this.partial === null ? 0 : 1);
  }

  /** Why the request of `message` can never run on this worker (src/cache/never-fits.ts), or null. */
  private neverFits(message: RequestRouted): NeverFits | null {
    const { prompt, maxTokens } = message.request;
    return neverFits(prompt.length, maxTokens, { capacity: this.pool.capacity, blockSize: this.pool.blockSize, maxContextTokens: this.maxContextTokens });
  }

  /** Steps of `s` whose end is at or before now, never its last (the timer processes that). */
  private stepsOverBy(s: Segment): number {
    return Math.min(s.times.over(this.now()), s.steps - 1);
  }

  /** Processes the steps of `s` up to step `upTo`, each at its own end. */
  private processSteps(s: Segment, upTo: number): void {
    for (let j = s.done + 1; j <= upTo; j++) endDecodeStep(this.stepWorker, s.times.end(j), s.times.length(j), s.tabled);
    s.done = Math.max(s.done, upTo);
    if (this.debug) this.cache.checkInvariants();
    // A sync leaves tokens pending: one REQUEST.TOKENS per sequence per segment is enough.
    if (s.done === s.steps) for (const seq of this.running) this.flushTokens(seq);
  }

  /** Ends `seq`: its blocks released, its last tokens and its completion announced. */
  private complete(seq: Sequence, at: number, finish: Finish): void {
    this.flushTokens(seq);
    this.pool.release(seq.requestId);
    this.source.release?.(seq.requestId);
    const output = seq.tokens.slice(seq.promptTokens, seq.promptTokens + seq.generated);
    const text = this.source.decode?.(output);
    this.publish({
      type: 'REQUEST.COMPLETED',
      at,
      requestId: seq.requestId,
      workerId: this.id,
      outputTokens: seq.generated,
      tokens: output,
      ...(text === undefined ? {} : { text }),
      finish,
    });
  }

  /** Sends `seq` back to the front of the queue, its blocks released; a step that preempts admits nothing. */
  private preempt(seq: Sequence, at: number): void {
    this.preemptedAt = at;
    this.flushTokens(seq);
    this.pool.release(seq.requestId);
    this.waiting.unshift(seq);
    this.publish({ type: 'REQUEST.PREEMPTED', at, requestId: seq.requestId, workerId: this.id });
  }

  /** Announces the tokens `seq` got since its last REQUEST.TOKENS message, in one message. */
  private flushTokens(seq: Sequence): void {
    if (seq.pending.length === 0) return;
    this.publish({
      type: 'REQUEST.TOKENS',
      at: seq.pendingAt,
      requestId: seq.requestId,
      workerId: this.id,
      tokens: seq.pending,
      stepMs: seq.pendingStepMs,
      ...(seq.pendingTimes.length === 0 ? {} : { times: seq.pendingTimes }),
      offset: seq.generated - seq.pending.length,
    });
    seq.pending = [];
    if (seq.pendingTimes.length > 0) seq.pendingTimes = [];
  }

  /** Turns the pool's KV events into bus messages stamped `at`. */
  private publishKv(at: number): void {
    for (const e of this.pool.takeEvents()) {
      if (e.type === 'stored') this.publish({ type: 'KV.STORED', at, workerId: this.id, parent: e.parent, hashes: e.hashes });
      else if (e.type === 'removed') this.publish({ type: 'KV.REMOVED', at, workerId: this.id, hashes: e.hashes });
      else this.publish({ type: 'KV.CLEARED', at, workerId: this.id });
    }
  }

  private requireSegment(method: string): Segment {
    if (this.segment === null) throw new Error(`worker ${this.id}: ${method}() outside a decode segment`);
    return this.segment;
  }
}
