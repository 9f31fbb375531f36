// Factories for the workload tests: a deterministic stand-in tokenizer, and a fake cluster
// (a SubmitTarget with its own little clock) that finishes requests after a latency.

import type { FinishOutcome, SubmitTarget, WorkloadDriver } from '../../src/workload/driver.ts';

/** One token per word, punctuation mark or newline: FNV-1a of it, mod GPT-2's vocabulary. */
export function wordEncode(text: string): number[] {
  return (text.match(/[A-Za-z0-9]+|[^A-Za-z0-9\s]|\n/g) ?? []).map((piece) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < piece.length; i++) h = Math.imul(h ^ piece.charCodeAt(i), 0x01000193) >>> 0;
    return h % 50257;
  });
}

/** The length of the longest common prefix of two token arrays. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

export interface Submission {
  readonly id: string;
  readonly at: number;
  readonly prompt: readonly number[];
  readonly maxTokens: number;
  readonly tenant?: string;
  readonly ignoreEos?: boolean;
  /** The fake clock when submit() was called. */
  readonly calledAt: number;
}

/** A SubmitTarget that records submissions; the test moves its clock. */
export class FakeTarget implements SubmitTarget {
  time = 0;
  readonly submissions: Submission[] = [];
  /** Called inside submit(), e.g. to report a finish re-entrantly as a cluster may. */
  onSubmit: ((s: Submission) => void) | null = null;

  submit(request: { id?: string; prompt: readonly number[]; maxTokens: number; tenant?: string; ignoreEos?: boolean }, at = this.time): string {
    const id = request.id ?? `fake-${this.submissions.length}`;
    // As a cluster does: time never runs backwards.
    if (at < this.time) throw new RangeError(`cannot submit '${id}' at ${at} ms: the clock shows ${this.time} ms`);
    const s: Submission = { ...request, id, at, calledAt: this.time };
    this.submissions.push(s);
    this.onSubmit?.(s);
    return id;
  }

  now(): number {
    return this.time;
  }
}

export interface RunOptions {
  /** Virtual ms from a request's arrival to its finish (default 100). */
  readonly latency?: (s: Submission) => number;
  /** The outcome reported for a request (default: completed, with tokens derived from its id). */
  readonly outcome?: (s: Submission) => FinishOutcome;
  /** Called after the driver has reacted to each finish, with the number then in flight. */
  readonly onStep?: (inFlight: number) => void;
}

/** Tokens standing in for a model's answer: a few ids derived from the request id. */
export const answerOf = (id: string): number[] => wordEncode(`answer to ${id} is here`);

/**
 * Runs a driver against the fake target: each submitted request finishes `latency` after its
 * arrival; finishes are delivered in time order (ties in submission order) at their finish time.
 */
export function runDriver(driver: WorkloadDriver, target: FakeTarget, options: RunOptions = {}): void {
  const latency = options.latency ?? (() => 100);
  const outcome = options.outcome ?? ((s) => ({ tokens: answerOf(s.id) }));
  const finished = new Set<string>();
  driver.start(target);
  for (;;) {
    let next: Submission | null = null;
    for (const s of target.submissions) {
      if (finished.has(s.id)) continue;
      if (next === null || s.at + latency(s) < next.at + latency(next)) next = s;
    }
    if (next === null) return;
    finished.add(next.id);
    target.time = next.at + latency(next);
    driver.onFinished(next.id, outcome(next));
    options.onStep?.(target.submissions.length - finished.size);
  }
}
