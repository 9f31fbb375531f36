// The one recorder that listens to the bus (DESIGN §2, §3.6, §3.10). It only gathers: one record
// per request, running counters per worker, the latest virtual time; summary.ts derives rates and
// distributions from them. Cost per message: one or two Map look-ups and a few assignments (it
// sees every token batch of a benchmark); token arrays are counted, never kept.
//
// Conservation: every submitted request is in exactly one state — pending, completed, rejected or
// failed — so submitted = completed + rejected + failed + pending. The first terminal message
// wins; a later one (completed twice, completed after rejected, ...) and a second submission of
// one id are `duplicates`; a message about an id never submitted is an `orphan`. Both are counted
// and otherwise ignored, or with `strict: true` thrown as an AccountingError from observe().
// NOTE: under RxJS an error thrown by a subscriber's `next` does not reach the source; it is
// re-thrown asynchronously (an uncaught exception). Strict mode is meant for tests.

import type { Observable, Subscription } from 'rxjs';
import { tokenAt, type Message, type RequestId, type WorkerId } from '../messages.ts';
import { AccountingError, MetricsOptionError } from './errors.ts';
import { newRequestRecord, type MutableRequestRecord, type RequestRecord } from './request-record.ts';
import { newWorkerCounters, type MutableWorkerCounters, type WorkerCounters } from './worker-counters.ts';
import { DEFAULT_BLOCK_SIZE } from '../cache/hash.ts';

export interface MetricsRecorderOptions {
  /** Tokens per KV block, to turn cached blocks into cached tokens; must match the workers'. 16 by default. */
  readonly blockSize?: number;
  /** Throw an AccountingError on a duplicate or orphan message instead of counting it. */
  readonly strict?: boolean;
}

/** The conservation check: submitted = completed + rejected + failed + pending. */
export interface Accounting {
  readonly submitted: number;
  readonly completed: number;
  readonly rejected: number;
  readonly failed: number;
  readonly pending: number;
  /** Second submissions and second terminal messages, ignored. */
  readonly duplicates: number;
  /** Request messages whose id was never submitted, ignored. */
  readonly orphans: number;
}

export class MetricsRecorder {
  readonly blockSize: number;
  readonly strict: boolean;
  private readonly requests = new Map<RequestId, MutableRequestRecord>();
  private readonly workerMap = new Map<WorkerId, MutableWorkerCounters>();
  private completed = 0;
  private rejected = 0;
  private failed = 0;
  private duplicates = 0;
  private orphans = 0;
  private latest = 0;

  constructor(options: MetricsRecorderOptions = {}) {
    const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new MetricsOptionError(`blockSize must be a positive integer (the workers' tokens per block); got ${blockSize}`);
    }
    this.blockSize = blockSize;
    this.strict = options.strict ?? false;
  }

  /** Subscribes to a bus; unsubscribe the returned Subscription to stop recording. */
  attach(events$: Observable<Message>): Subscription {
    return events$.subscribe((message) => this.observe(message));
  }

  /** Takes one message into the records and counters. */
  observe(message: Message): void {
    if (message.at > this.latest) this.latest = message.at;
    switch (message.type) {
      case 'REQUEST.SUBMITTED': {
        const { id, prompt, maxTokens } = message.request;
        if (this.requests.has(id)) this.duplicate(id, 'submitted again');
        else this.requests.set(id, newRequestRecord(id, message.at, prompt.length, maxTokens));
        return;
      }
      case 'REQUEST.ROUTED': {
        const { decision } = message;
        this.worker(decision.workerId).requests++;
        const r = this.request(message.request.id, 'routed');
        if (r === undefined) return;
        r.routings++;
        // A re-route before admission replaces the prediction: it is checked against the worker
        // that admits the request.
        if (r.admittedAt === undefined) {
          r.routedAt = message.at;
          r.workerId = decision.workerId;
          r.rule = decision.rule;
          r.reason = decision.reason;
          r.predictedBlocks = decision.predictedBlocks;
        }
        return;
      }
      case 'REQUEST.ADMITTED': {
        const { cachedBlocks, computedBlocks, promptTokens } = message;
        const w = this.worker(message.workerId);
        w.admissions++;
        const r = this.request(message.requestId, 'admitted');
        if (r !== undefined && r.admissions > 0) {
          w.readmissions++;
          w.readmissionHitBlocks += cachedBlocks;
          w.readmissionQueriedBlocks += cachedBlocks + computedBlocks;
        } else {
          w.hitBlocks += cachedBlocks;
          w.queriedBlocks += cachedBlocks + computedBlocks;
          w.hitTokens += cachedBlocks * this.blockSize;
          w.queriedTokens += promptTokens;
        }
        if (r === undefined) return;
        if (r.admissions++ === 0) {
          r.admittedAt = message.at;
          r.cachedBlocks = cachedBlocks;
          r.computedBlocks = computedBlocks;
          r.promptTokens = promptTokens;
        }
        return;
      }
      case 'REQUEST.PREFILLED': {
        this.worker(message.workerId);
        const r = this.request(message.requestId, 'prefilled');
        if (r !== undefined && r.prefilledAt === undefined) r.prefilledAt = message.at;
        return;
      }
      case 'REQUEST.TOKENS': {
        this.worker(message.workerId);
        const n = message.tokens.length;
        if (n === 0) return;
        const last = tokenAt(message, n - 1);
        if (last > this.latest) this.latest = last;
        const r = this.request(message.requestId, 'tokens');
        if (r === undefined) return;
        if (message.offset === 0 && r.firstTokenAt === undefined) r.firstTokenAt = message.at;
        if (r.lastTokenAt === undefined || last > r.lastTokenAt) r.lastTokenAt = last;
        if (message.offset + n > r.outputTokens) r.outputTokens = message.offset + n;
        return;
      }
      case 'REQUEST.PREEMPTED': {
        this.worker(message.workerId).preemptions++;
        const r = this.request(message.requestId, 'preempted');
        if (r !== undefined) r.preemptions++;
        return;
      }
      case 'REQUEST.COMPLETED': {
        const w = this.worker(message.workerId);
        const r = this.request(message.requestId, 'completed');
        if (r === undefined || !this.end(r, 'completed')) return;
        w.completed++;
        r.servedBy = message.workerId;
        r.completedAt = message.at;
        r.outputTokens = message.outputTokens;
        r.finish = message.finish;
        this.completed++;
        return;
      }
      case 'REQUEST.REJECTED': {
        if (message.workerId !== null) this.worker(message.workerId);
        const r = this.request(message.requestId, 'rejected');
        if (r === undefined || !this.end(r, 'rejected')) return;
        r.rejected = { at: message.at, code: message.code, reason: message.reason };
        this.rejected++;
        return;
      }
      case 'REQUEST.FAILED': {
        if (message.workerId !== null) this.worker(message.workerId);
        const r = this.request(message.requestId, 'failed');
        if (r === undefined || !this.end(r, 'failed')) return;
        r.failed = { at: message.at, reason: message.reason };
        this.failed++;
        return;
      }
      case 'KV.STORED':
        this.worker(message.workerId).storedBlocks += message.hashes.length;
        return;
      case 'KV.REMOVED':
        this.worker(message.workerId).evictions += message.hashes.length;
        return;
      case 'KV.CLEARED':
        this.worker(message.workerId).clears++;
        return;
      case 'WORKER.STATE':
      case 'WORKER.UP':
      case 'WORKER.DOWN':
        this.worker(message.workerId);
        return;
    }
  }

  /** The record of one request, if it was submitted. */
  record(id: RequestId): RequestRecord | undefined {
    return this.requests.get(id);
  }

  /** Every request record, in submission order. */
  records(): IterableIterator<RequestRecord> {
    return this.requests.values();
  }

  /** Counters of every worker seen in any message, sorted by id. */
  workers(): readonly WorkerCounters[] {
    return [...this.workerMap.values()].sort((a, b) => a.id - b.id);
  }

  /** The latest virtual time seen (a token batch counts up to its last token), in ms. */
  get simulatedMs(): number {
    return this.latest;
  }

  /** Requests by state, with duplicates and orphans; submitted = completed + rejected + failed + pending. */
  accounting(): Accounting {
    const submitted = this.requests.size;
    const ended = this.completed + this.rejected + this.failed;
    return {
      submitted,
      completed: this.completed,
      rejected: this.rejected,
      failed: this.failed,
      pending: submitted - ended,
      duplicates: this.duplicates,
      orphans: this.orphans,
    };
  }

  private worker(id: WorkerId): MutableWorkerCounters {
    let w = this.workerMap.get(id);
    if (w === undefined) {
      w = newWorkerCounters(id);
      this.workerMap.set(id, w);
    }
    return w;
  }

  private request(id: RequestId, what: string): MutableRequestRecord | undefined {
    const r = this.requests.get(id);
    if (r === undefined) {
      if (this.strict) throw new AccountingError('orphan', id, what);
      this.orphans++;
    }
    return r;
  }

  /** Moves a pending request to its terminal state; false (a duplicate) if it already has one. */
  private end(r: MutableRequestRecord, state: 'completed' | 'rejected' | 'failed'): boolean {
    if (r.state === 'pending') {
      r.state = state;
      return true;
    }
    this.duplicate(r.id, `${state} after ${r.state}`);
    return false;
  }

  private duplicate(id: RequestId, detail: string): void {
    if (this.strict) throw new AccountingError('duplicate', id, detail);
    this.duplicates++;
  }
}
