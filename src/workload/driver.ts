// The glue between a workload and a cluster. A driver submits requests to a SubmitTarget (a
// cluster satisfies it) and is told when each one finishes; it never sees the cluster's type,
// its bus or rxjs. Wiring, with a cluster:
//
//   const driver = closedLoop(requests, { concurrency: 8 });
//   cluster.events$.subscribe((m) => feedDriver(driver, m));
//   driver.start(cluster);
//   await cluster.run();
//
// Modes: open loop (everything submitted at its arrival time up front), closed loop (N in flight,
// the next submitted when one finishes), and chat sessions (chat.ts).

import type { Message } from '../messages.ts';
import { checkInteger } from './option-checks.ts';
import type { WorkloadRequest } from './request.ts';
import { SimulatorError } from '../errors.ts';

/** What a driver needs of a cluster: submit a request (now or at a later virtual time), read the clock. */
export interface SubmitTarget {
  submit(
    request: { id?: string; prompt: readonly number[] | (() => readonly number[]); maxTokens: number; tenant?: string; ignoreEos?: boolean },
    at?: number,
  ): string;
  now(): number;
}

/** How a request ended, as a driver needs to know it. */
export interface FinishOutcome {
  /** Generated tokens (none for a rejected or failed request). */
  readonly tokens: readonly number[];
  /** Generated text, when the token source has a tokenizer. */
  readonly text?: string | undefined;
  /** Default 'completed'. */
  readonly status?: 'completed' | 'rejected' | 'failed';
}

export interface DriverProgress {
  /** Requests the driver means to submit in all (for chat: sessions × turns, less turns of sessions cut short). */
  readonly total: number;
  readonly submitted: number;
  readonly finished: number;
  /** Submitted and not yet finished. */
  readonly inFlight: number;
  /** Every request submitted and finished. */
  readonly done: boolean;
}

/** A source of requests that reacts to completions. */
export interface WorkloadDriver {
  /** Submits the first requests; call once, before running the cluster. Times are relative to target.now() at this call. */
  start(target: SubmitTarget): void;
  /** Feeds one finished request (completed, rejected or failed); ids the driver did not submit, or already saw finish, are ignored. */
  onFinished(requestId: string, outcome: FinishOutcome): void;
  /** Counts so far. */
  progress(): DriverProgress;
}

/** The end of a request a message announces (completed, rejected or failed), as a driver hears it; undefined for any other message. */
export function requestEnd(message: Message): { readonly requestId: string; readonly outcome: FinishOutcome } | undefined {
  switch (message.type) {
    case 'REQUEST.COMPLETED':
      return { requestId: message.requestId, outcome: { tokens: message.tokens, text: message.text } };
    case 'REQUEST.REJECTED':
      return { requestId: message.requestId, outcome: { tokens: [], status: 'rejected' } };
    case 'REQUEST.FAILED':
      return { requestId: message.requestId, outcome: { tokens: [], status: 'failed' } };
    default:
      return undefined;
  }
}

/** Tells `driver` of the end of a request if `message` is one; true if it was. */
export function feedDriver(driver: WorkloadDriver, message: Message): boolean {
  const end = requestEnd(message);
  if (end !== undefined) driver.onFinished(end.requestId, end.outcome);
  return end !== undefined;
}

/** A driver used out of order (started twice) or with a target that renames requests. */
export class DriverError extends SimulatorError {
  override readonly name = 'DriverError';
}

/** Submits one workload request to the target at `at`, passing only the fields a target takes. */
export function submitTo(target: SubmitTarget, request: WorkloadRequest, at: number): string {
  return target.submit(
    {
      id: request.id,
      prompt: request.prompt,
      maxTokens: request.maxTokens,
      ...(request.tenant === undefined ? {} : { tenant: request.tenant }),
      ...(request.ignoreEos === undefined ? {} : { ignoreEos: request.ignoreEos }),
    },
    at,
  );
}

/** Bookkeeping shared by the drivers: which ids are in flight, counts, and the start-once rule. */
export class InFlight {
  readonly ids = new Set<string>();
  submitted = 0;
  finished = 0;
  private target: SubmitTarget | null = null;

  /** Binds the target; throws when the driver was already started. */
  bind(target: SubmitTarget): SubmitTarget {
    if (this.target !== null) throw new DriverError('this driver was already started; create a new driver for another run');
    this.target = target;
    return target;
  }

  /** The bound target; throws before start(). */
  get bound(): SubmitTarget {
    if (this.target === null) throw new DriverError('no target yet; call driver.start(target) first');
    return this.target;
  }

  /** Submits and counts the request as in flight (registered first, so a re-entrant finish finds it). */
  submit(request: WorkloadRequest, at: number): void {
    this.ids.add(request.id);
    this.submitted++;
    const id = submitTo(this.bound, request, at);
    if (id !== request.id) throw new DriverError(`the target renamed request '${request.id}' to '${id}'; a driver needs targets that keep the given id`);
  }

  /** Whether the finish concerns a request in flight; counts it once. */
  finish(requestId: string): boolean {
    if (!this.ids.delete(requestId)) return false;
    this.finished++;
    return true;
  }

  progress(total: number): DriverProgress {
    const inFlight = this.ids.size;
    return { total, submitted: this.submitted, finished: this.finished, inFlight, done: this.finished === total && inFlight === 0 };
  }
}

/** Open loop: every request submitted at start, each at (start time + its `at`); completions change nothing. */
export function openLoop(requests: readonly WorkloadRequest[]): WorkloadDriver {
  const flight = new InFlight();
  return {
    start(target) {
      const t0 = flight.bind(target).now();
      for (const request of requests) flight.submit(request, t0 + request.at);
    },
    onFinished: (requestId) => void flight.finish(requestId),
    progress: () => flight.progress(requests.length),
  };
}

export interface ClosedLoopOptions {
  /** Requests in flight at any time (until the list runs out). */
  readonly concurrency: number;
}

/** Closed loop: N requests in flight; each finish submits the next in list order at the finish time (`at` is ignored). */
export function closedLoop(requests: readonly WorkloadRequest[], options: ClosedLoopOptions): WorkloadDriver {
  checkInteger('concurrency', options.concurrency, 1);
  const flight = new InFlight();
  let next = 0; // index of the next request to submit
  const fill = (): void => {
    // Re-entrant safe: a finish reported during submit() calls fill() again, and both loops
    // re-check the in-flight count before each submit, so it never exceeds N.
    while (flight.ids.size < options.concurrency && next < requests.length) {
      flight.submit(requests[next++]!, flight.bound.now());
    }
  };
  return {
    start(target) {
      flight.bind(target);
      fill();
    },
    onFinished(requestId) {
      if (flight.finish(requestId)) fill();
    },
    progress: () => flight.progress(requests.length),
  };
}
