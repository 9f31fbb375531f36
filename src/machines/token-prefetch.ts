// The tokens of a decode segment, computed before it runs (see WorkerEngine.startSegment): every
// running sequence gets its token for each step of the segment, one batch per step, from the
// token source. A source that answers at once (the dummy) fills them at once; an asynchronous one
// (a model) is waited for, and virtual time stands still meanwhile (PendingWork). An end-of-text
// token cuts the segment at its step, so the segment ends at the earliest completion. Tokens
// stay in the sequence's token array past what it has emitted until its steps use them.

import type { TokenSource } from '../model/token-source.ts';
import type { Sequence } from './sequence.ts';

/** Work outside the clock (a model computing tokens) that virtual time must wait for. */
export interface PendingWork {
  begin(): void;
  end(): void;
}

/** What the prefetch reads and shortens of a segment: its number of steps. */
export interface SegmentSteps {
  steps: number;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}

export class TokenPrefetch {
  /** The segment's tokens, while an asynchronous source computes them. */
  private job: Promise<void> | null = null;
  /** Bumped when a job is settled: what an abandoned job's source answers later (the worker went down) is dropped. */
  private epoch = 0;
  /** Scratch batch of the sequences that lack a step's token, reused step after step. */
  private readonly batch: Sequence[] = [];

  constructor(
    private readonly source: TokenSource,
    private readonly pendingWork: PendingWork | undefined,
  ) {}

  /**
   * Computes the tokens of `running` for steps 1..`segment.steps`, cutting the segment at the
   * first end-of-text. A synchronous source's exception becomes a failed job, so its requests
   * fail as an asynchronous source's do (WorkerEngine.tokensFailed).
   */
  start(segment: SegmentSteps, running: readonly Sequence[]): void {
    try {
      this.job = this.ahead(segment, running, 1, this.epoch);
    } catch (error) {
      this.job = Promise.reject(error);
    }
  }

  /** Whether the segment's tokens are still being computed by an asynchronous source. */
  get pending(): boolean {
    return this.job !== null;
  }

  /** Resolves when the job is done; counted as pending work until `settle()`. */
  ready(): Promise<void> {
    const job = this.job;
    if (job === null) return Promise.resolve();
    this.pendingWork?.begin();
    return job;
  }

  /** The job is over (done, failed, or abandoned): nothing is pending any more. */
  settle(): void {
    this.job = null;
    this.epoch++;
    this.pendingWork?.end();
  }

  /** Tokens for steps `from`..`s.steps`; null when done, or a promise that finishes the job. */
  private ahead(s: SegmentSteps, running: readonly Sequence[], from: number, epoch: number): Promise<void> | null {
    for (let j = from; j <= s.steps; j++) {
      const need = this.needingToken(running, j);
      if (need.length === 0) continue;
      const answer = this.source.next(need);
      if (isPromise(answer)) {
        const batch = need.slice(); // the scratch array is reused by the next step
        return answer.then((tokens) => {
          if (epoch !== this.epoch) return undefined;
          this.take(s, running, j, batch, tokens);
          return this.ahead(s, running, j + 1, epoch) ?? undefined;
        });
      }
      this.take(s, running, j, need, answer);
    }
    return null;
  }

  /** The running sequences without a token for step j (usually all of them). */
  private needingToken(running: readonly Sequence[], j: number): readonly Sequence[] {
    let all = true;
    for (const seq of running) if (seq.tokens.length - seq.promptTokens - seq.generated >= j) all = false;
    if (all) return running;
    // Some have it already: computed for a segment that was cut before using it.
    const batch = this.batch;
    batch.length = 0;
    for (const seq of running) if (seq.tokens.length - seq.promptTokens - seq.generated < j) batch.push(seq);
    return batch;
  }

  private take(s: SegmentSteps, running: readonly Sequence[], j: number, batch: readonly Sequence[], tokens: readonly number[]): void {
    if (tokens.length !== batch.length) {
      throw new Error(`token source '${this.source.name}' returned ${tokens.length} tokens for a batch of ${batch.length}`);
    }
    for (let i = 0; i < batch.length; i++) (batch[i] as Sequence).tokens.push(tokens[i] as number);
    const eos = this.source.eosTokenId;
    if (eos === null) return;
    for (const seq of running) {
      if (!seq.spec.ignoreEos && seq.tokens[seq.promptTokens + seq.generated + j - 1] === eos) s.steps = Math.min(s.steps, j);
    }
  }
}
