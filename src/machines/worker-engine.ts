// The rules of one worker's engine (DESIGN §3.4), as plain methods over its block pool. The
// worker machine decides *when* (states, timers); this class decides *what* happens in a step.
//
//   prefill step: admit waiting requests in arrival order while blocks, the batch and the token
//                 budget allow; a prompt larger than the budget left is prefilled in chunks over
//                 several steps, one decode step between two chunks while others are running
//                 (vLLM's chunked prefill, its decodes interleaved rather than mixed in).
//   decode step:  every running sequence gets one token. At the end of the
//                 step each sequence first takes a slot for its token (no free block → the most
//                 recently admitted sequence is preempted), then gets the token; blocks that fill
//                 are hashed and registered; sequences at their last token complete.
//
// A decode *segment* is a run of steps with nothing in it that changes the batch: it ends at the
// earliest completion (maximum tokens or end-of-text), at the first step that may lack a block,
// or at the step boundary after an arrival that could be admitted. Steps are processed one by
// one with their own times whether a segment holds one step or many, so both give the same
// results. How long a step lasts is the latency model's answer (src/latency-model.ts); `sync()` processes the steps already over, so that what they announce is on the bus
// before anything else happens at that time.

import { BlockPool } from '../cache/block-pool.ts';
import type { BlockHash, ChainHasher } from '../cache/hash.ts';
import { DEFAULT_MAX_RUNNING } from '../batch-limits.ts';
import type { LatencyModel, Step } from '../latency-model.ts';
import type { EngineState, Message, RequestRouted, RequestSpec, WorkerId } from '../messages.ts';
import type { TokenSource } from '../model/token-source.ts';
import { tabledSteps, uniformSteps, type StepTimes } from './step-times.ts';

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

/** Work outside the clock (a model computing tokens) that virtual time must wait for. */
export interface PendingWork {
  begin(): void;
  end(): void;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/** A request on this worker. Its token array doubles as the token source's view of it. */
interface Sequence {
  readonly spec: RequestSpec;
  readonly requestId: string;
  /** The prompt, then the generated tokens, then tokens computed ahead and not yet emitted. */
  readonly tokens: number[];
  /** Hashes of the full blocks among the prompt and the generated tokens. */
  readonly hashes: BlockHash[];
  readonly promptTokens: number;
  generated: number;
  /** Prompt tokens (the generated ones included after a preemption) its prefill has yet to compute. */
  prefillLeft: number;
  /** Tokens emitted since the last REQUEST.TOKENS message, the time of the first, and each one's time when steps differ. */
  pending: number[];
  pendingAt: number;
  pendingStepMs: number;
  pendingTimes: number[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The prefill step being built, as the latency model sees it. */
interface PrefillShape {
  prefillTokens: number;
  prefillBlocks: number;
  sequences: number;
  readonly contextLengths: number[];
  attendedTokens: number;
  attentionPairs: number;
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
  private readonly prefillShape: PrefillShape = { prefillTokens: 0, prefillBlocks: 0, sequences: 0, contextLengths: [], attendedTokens: 0, attentionPairs: 0 };
  private budgetLeft = Infinity;
  private prefillEndsAt = 0;
  /** Each running sequence's context, reused while a segment's step table is built. */
  private readonly contexts: number[] = [];
  private segment: Segment | null = null;
  /** The segment's tokens, while an asynchronous source computes them. */
  private tokenJob: Promise<void> | null = null;
  private readonly tokenBatch: Sequence[] = [];
  private readonly pendingWork: PendingWork | undefined;
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
    this.pendingWork = options.pendingWork;
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

  /** Queues a routed request, or rejects it at once if it can never run here. */
  accept(message: RequestRouted): void {
    const { request, hashes } = message;
    const rejection = this.rejection(request);
    if (rejection !== null) {
      this.publish({ type: 'REQUEST.REJECTED', at: this.now(), requestId: request.id, workerId: this.id, ...rejection });
      return;
    }
    this.waiting.push({
      spec: request,
      requestId: request.id,
      tokens: request.prompt.slice(),
      hashes: hashes.slice(),
      promptTokens: request.prompt.length,
      generated: 0,
      prefillLeft: 0,
      pending: [],
      pendingAt: 0,
      pendingStepMs: 0,
      pendingTimes: [],
    });
  }

  /** Whether the request of `message` would be admitted at once if it arrived now. */
  wouldAdmitAtOnce(message: RequestRouted): boolean {
    return (
      !this.preemptedThisInstant() &&
      this.waiting.length === 0 &&
      this.partial === null &&
      this.batchSize() < this.maxRunning &&
      this.rejection(message.request) === null &&
      this.pool.canAllocate(message.hashes, message.request.prompt.length)
    );
  }

  /**
   * Whether a prefill step goes next: a chunked prefill goes on (after one decode step, if any
   * sequence runs), or the first waiting request fits now (FCFS: nobody overtakes it).
   */
  canStartPrefill(): boolean {
    if (this.partial !== null) return !(this.chunkedLast && this.running.length > 0);
    const head = this.waiting[0];
    return (
      head !== undefined &&
      !this.preemptedThisInstant() &&
      this.batchSize() < this.maxRunning &&
      this.pool.canAllocate(head.hashes, head.promptTokens + head.generated)
    );
  }

  /** Whether a preemption happened at this very instant while sequences still run: the next step is theirs (decode), not an admission. */
  private preemptedThisInstant(): boolean {
    return this.preemptedAt === this.now() && this.running.length > 0;
  }

  hasRunning(): boolean {
    return this.running.length > 0;
  }

  /**
   * Starts a prefill step: admits waiting requests in order while they fit; the step's length
   * follows their blocks. Within a step already started (its state re-entered), does nothing.
   */
  startPrefill(): void {
    if (this.prefilling.length > 0) return;
    this.applySlowdown();
    this.prefillStartedAt = this.now();
    const shape = this.prefillShape;
    shape.prefillTokens = shape.prefillBlocks = shape.sequences = shape.attendedTokens = shape.attentionPairs = 0;
    shape.contextLengths.length = 0;
    this.budgetLeft = this.maxBatchedTokens;
    const partial = this.partial;
    if (partial !== null) {
      this.partial = null;
      this.prefilling.push(partial);
      this.addChunk(partial);
    }
    this.admitWaiting();
  }

  /** Whether the current prefill step started at this very instant (so it can still take more). */
  prefillJustStarted(): boolean {
    return this.prefillStartedAt === this.now() && this.prefilling.length > 0;
  }

  /** Adds the requests that arrived at the step's first instant to the step, lengthening it. */
  joinPrefill(): void {
    this.admitWaiting();
  }

  private admitWaiting(): void {
    const now = this.now();
    while (this.waiting.length > 0 && this.batchSize() < this.maxRunning && this.budgetLeft > 0) {
      const seq = this.waiting[0] as Sequence;
      const numTokens = seq.promptTokens + seq.generated;
      const allocation = this.pool.allocate(seq.requestId, seq.hashes, numTokens);
      if (allocation === null) break;
      this.waiting.shift();
      this.prefilling.push(seq);
      seq.prefillLeft = Math.max(0, numTokens - allocation.cachedBlocks * this.pool.blockSize);
      this.addChunk(seq);
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
    if (this.debug) this.cache.checkInvariants();
    this.prefillEndsAt = this.prefillStartedAt + this.latency.stepMs({ kind: 'prefill', ...this.prefillShape });
  }

  /**
   * Adds the next chunk of `seq`'s prefill to the step: as much of what it has left as the budget
   * allows. Its blocks are counted as DESIGN §3.4 counts them, spread over the chunks that fill them.
   */
  private addChunk(seq: Sequence): void {
    const total = seq.promptTokens + seq.generated;
    const chunk = Math.min(seq.prefillLeft, this.budgetLeft);
    const before = total - seq.prefillLeft; // cached, or computed by earlier chunks
    const bs = this.pool.blockSize;
    const shape = this.prefillShape;
    seq.prefillLeft -= chunk;
    this.budgetLeft -= chunk;
    shape.prefillTokens += chunk;
    shape.prefillBlocks += Math.ceil((before + chunk) / bs) - Math.ceil(before / bs);
    shape.sequences++;
    shape.contextLengths.push(before + chunk);
    shape.attendedTokens += before + chunk;
    shape.attentionPairs += chunk * before + (chunk * (chunk + 1)) / 2;
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
    // A chunked prefill waits for one decode step only, and so does a waiting request held back
    // by a preemption at this instant; a table of step ends is built ahead.
    let steps = this.partial !== null || (this.preemptedThisInstant() && this.waiting.length > 0) ? 1 : uniformMs === null ? Math.min(this.stepsPerSegment, TABLED_SEGMENT_STEPS) : this.stepsPerSegment;
    for (const seq of this.running) steps = Math.min(steps, seq.spec.maxTokens - seq.generated);
    steps = Math.min(steps, this.firstShortageStep(steps), this.firstHeadMatchStep());
    // A block a running sequence fills may turn out to be one the pool holds already: the pool
    // shares that one and hands the new one back, and the freed block can make the waiting head fit.
    if (this.waiting.length > 0) steps = Math.min(steps, this.firstFillStep());
    if (steps < 1 || !Number.isFinite(steps)) throw new Error(`worker ${this.id}: planned a segment of ${steps} steps`);
    const start = this.now();
    const times = uniformMs === null ? tabledSteps(this.stepEnds(start, steps)) : uniformSteps(start, uniformMs);
    this.segment = { steps, done: 0, times, tabled: uniformMs === null };
    this.tokenJob = this.tokensAheadOrFailure();
  }

  /** computeTokensAhead(1), a synchronous source's exception turned into a failed job: its requests fail as an asynchronous source's do (tokensFailed). */
  private tokensAheadOrFailure(): Promise<void> | null {
    try {
      return this.computeTokensAhead(1);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** When each of the next `steps` decode steps ends, from `start`: a sequence holding n tokens reads n + j − 1 at step j. */
  private stepEnds(start: number, steps: number): Float64Array {
    const ends = new Float64Array(steps + 1);
    ends[0] = start;
    const contexts = this.contexts;
    contexts.length = 0;
    let attended = 0;
    for (const seq of this.running) {
      const n = seq.promptTokens + seq.generated;
      contexts.push(n);
      attended += n;
    }
    const step: Mutable<Step> = {
      kind: 'decode', prefillTokens: 0, prefillBlocks: 0, sequences: contexts.length, contextLengths: contexts, attendedTokens: 0, attentionPairs: 0,
    };
    for (let j = 1; j <= steps; j++) {
      if (j > 1) {
        for (let i = 0; i < contexts.length; i++) contexts[i]!++;
        attended += contexts.length;
      }
      step.attendedTokens = step.attentionPairs = attended;
      ends[j] = (ends[j - 1] as number) + this.latency.stepMs(step);
    }
    return ends;
  }

  /** Whether the segment's tokens are still being computed by an asynchronous source. */
  awaitingTokens(): boolean {
    return this.tokenJob !== null;
  }

  /**
   * Resolves when the segment's tokens are computed (virtual time stands still meanwhile: the
   * cluster's run loop waits for it). Counted as pending work until `tokensArrived()`.
   */
  tokensReady(): Promise<void> {
    const job = this.tokenJob;
    if (job === null) return Promise.resolve();
    this.pendingWork?.begin();
    return job;
  }

  /** The tokens are in: the segment can run. */
  tokensArrived(): void {
    this.tokenJob = null;
    this.pendingWork?.end();
  }

  /** The token source failed: every running request fails with its reason; nothing is lost. */
  tokensFailed(error: unknown): void {
    this.tokenJob = null;
    this.pendingWork?.end();
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
   * router. A sequence holding n tokens first takes a block at step 1 if n is a multiple of the
   * block size, and first fills one at step bs − (n mod bs) otherwise.
   */
  hasKvEventsDue(): boolean {
    const s = this.segment;
    if (s === null) return false;
    const due = this.stepsOverBy(s) - s.done;
    if (due <= 0) return false;
    const bs = this.pool.blockSize;
    for (const seq of this.running) {
      const r = (seq.promptTokens + seq.generated) % bs;
      if ((r === 0 ? 1 : bs - r) <= due) return true;
    }
    return false;
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
    if (this.tokenJob !== null) this.tokensArrived(); // the model's answer no longer matters
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

  private rejection(request: RequestSpec): { code: 'too-large' | 'context-limit'; reason: string } | null {
    const capacity = this.pool.capacity;
    const bs = this.pool.blockSize;
    const prompt = request.prompt.length;
    const total = prompt + request.maxTokens;
    if (total > this.maxContextTokens) {
      return {
        code: 'context-limit',
        reason: `prompt ${prompt} + max tokens ${request.maxTokens} = ${total} tokens exceed the context limit of ${this.maxContextTokens}`,
      };
    }
    if (capacity === 'unbounded') return null;
    const promptBlocks = Math.ceil(prompt / bs);
    if (promptBlocks + 1 > capacity) {
      return { code: 'too-large', reason: `prompt needs ${promptBlocks} blocks + 1 to grow; a worker has ${capacity}` };
    }
    const totalBlocks = Math.ceil(total / bs);
    if (totalBlocks > capacity) {
      return {
        code: 'too-large',
        reason: `prompt ${prompt} + max tokens ${request.maxTokens} need ${totalBlocks} blocks; a worker has ${capacity}`,
      };
    }
    return null;
  }

  /**
   * The first step at which the running sequences may need more new blocks than are free now.
   * A sequence holding n tokens needs a new block for the token of step j when (n + j − 1) is a
   * multiple of the block size: at steps f, f + bs, f + 2·bs, … with f = (−n mod bs) + 1.
   */
  private firstShortageStep(limit: number): number {
    const free = this.pool.freeBlocks();
    if (free === Infinity) return Infinity;
    const bs = this.pool.blockSize;
    const demand = (j: number): number => {
      let blocks = 0;
      for (const seq of this.running) {
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

  /**
   * The first step at which a running sequence fills the block where the waiting head's cached
   * prefix stops: it may be the block the head needs, and with it the head may fit (nothing else
   * in a segment frees room). The segment ends there, so the head is admitted at the same step
   * boundary as step by step. A block extends the head's match only if its chain so far is the head's.
   */
  /** The first step at which a running sequence fills a block (and may free one, see startSegment). */
  private firstFillStep(): number {
    const bs = this.pool.blockSize;
    let first = Infinity;
    for (const seq of this.running) first = Math.min(first, bs - ((seq.promptTokens + seq.generated) % bs));
    return first;
  }

  private firstHeadMatchStep(): number {
    const head = this.waiting[0];
    if (head === undefined) return Infinity;
    const m = this.pool.lookup(head.hashes);
    if (m >= head.hashes.length) return Infinity;
    const bs = this.pool.blockSize;
    let first = Infinity;
    for (const seq of this.running) {
      if (seq.hashes.length !== m || (m > 0 && seq.hashes[m - 1] !== head.hashes[m - 1])) continue;
      first = Math.min(first, bs - ((seq.promptTokens + seq.generated) % bs));
    }
    return first;
  }

  /**
   * Makes sure every running sequence has its tokens for steps `from`..segment.steps, cutting the
   * segment at the first end-of-text. Returns null when done, or a promise that finishes the job
   * if the source answered asynchronously.
   */
  private computeTokensAhead(from: number): Promise<void> | null {
    const s = this.segment as Segment;
    for (let j = from; j <= s.steps; j++) {
      const need = this.needingToken(j);
      if (need.length === 0) continue;
      const answer = this.source.next(need);
      if (isPromise(answer)) {
        const batch = need.slice(); // the scratch array is reused by the next step
        return answer.then((tokens) => {
          this.takeTokens(s, j, batch, tokens);
          return this.computeTokensAhead(j + 1) ?? undefined;
        });
      }
      this.takeTokens(s, j, need, answer);
    }
    return null;
  }

  /** The running sequences without a token for step j (usually all of them). */
  private needingToken(j: number): readonly Sequence[] {
    let all = true;
    for (const seq of this.running) if (seq.tokens.length - seq.promptTokens - seq.generated >= j) all = false;
    if (all) return this.running;
    // Some have it already: computed for a segment that was cut before using it.
    const batch = this.tokenBatch;
    batch.length = 0;
    for (const seq of this.running) if (seq.tokens.length - seq.promptTokens - seq.generated < j) batch.push(seq);
    return batch;
  }

  private takeTokens(s: Segment, j: number, batch: readonly Sequence[], tokens: readonly number[]): void {
    if (tokens.length !== batch.length) {
      throw new Error(`token source '${this.source.name}' returned ${tokens.length} tokens for a batch of ${batch.length}`);
    }
    for (let i = 0; i < batch.length; i++) (batch[i] as Sequence).tokens.push(tokens[i] as number);
    const eos = this.source.eosTokenId;
    if (eos === null) return;
    for (const seq of this.running) {
      if (!seq.spec.ignoreEos && seq.tokens[seq.promptTokens + seq.generated + j - 1] === eos) s.steps = Math.min(s.steps, j);
    }
  }

  /** Steps of `s` whose end is at or before now, never its last (the timer processes that). */
  private stepsOverBy(s: Segment): number {
    return Math.min(s.times.over(this.now()), s.steps - 1);
  }

  private processSteps(s: Segment, upTo: number): void {
    for (let j = s.done + 1; j <= upTo; j++) this.processStep(s.times.end(j), s.times.length(j), s.tabled);
    s.done = Math.max(s.done, upTo);
    if (this.debug) this.cache.checkInvariants();
    // A sync leaves tokens pending: one REQUEST.TOKENS per sequence per segment is enough.
    if (s.done === s.steps) for (const seq of this.running) this.flushTokens(seq);
  }

  /** The end of one decode step at virtual time `at`. */
  private processStep(at: number, stepMs: number, tabled: boolean): void {
    const running = this.running;
    // 1. A slot for every sequence's token; on a shortage the most recently admitted goes back.
    for (let i = 0; i < running.length; i++) {
      const seq = running[i] as Sequence;
      const n = seq.promptTokens + seq.generated;
      if (n % this.pool.blockSize !== 0) continue; // its last block has room for the token
      while (!this.pool.extend(seq.requestId, n + 1, seq.hashes)) {
        const victim = running.pop() as Sequence;
        this.preempt(victim, at);
        if (victim === seq) break;
      }
    }
    this.publishKv(at);
    // 2. Every remaining sequence gets its token; full blocks are hashed and registered.
    const eos = this.source.eosTokenId;
    let finished = 0;
    for (const seq of running) {
      const n = seq.promptTokens + seq.generated;
      const token = seq.tokens[n] as number;
      seq.generated++;
      if (seq.pending.length === 0) {
        seq.pendingAt = at;
        seq.pendingStepMs = stepMs;
      }
      seq.pending.push(token);
      if (tabled) seq.pendingTimes.push(at);
      if ((n + 1) % this.pool.blockSize === 0) {
        this.hasher.extend(seq.hashes, seq.tokens, seq.spec, n + 1); // the token fills a block
        this.pool.extend(seq.requestId, n + 1, seq.hashes);
      }
      if (seq.generated >= seq.spec.maxTokens || (token === eos && !seq.spec.ignoreEos)) finished++;
    }
    this.publishKv(at);
    // 3. Sequences at their last token complete, in admission order.
    if (finished === 0) return;
    let kept = 0;
    for (const seq of running) {
      const last = seq.tokens[seq.promptTokens + seq.generated - 1];
      const byLength = seq.generated >= seq.spec.maxTokens;
      if (byLength || (last === eos && !seq.spec.ignoreEos)) this.complete(seq, at, byLength ? 'length' : 'eos');
      else running[kept++] = seq;
    }
    running.length = kept;
  }

  private complete(seq: Sequence, at: number, finish: 'length' | 'eos'): void {
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

  private preempt(seq: Sequence, at: number): void {
    this.preemptedAt = at;
    this.flushTokens(seq);
    this.pool.release(seq.requestId);
    this.waiting.unshift(seq);
    this.publish({ type: 'REQUEST.PREEMPTED', at, requestId: seq.requestId, workerId: this.id });
  }

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
