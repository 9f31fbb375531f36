// Work outside the clock that virtual time must wait for: a model computing a segment's tokens.
// The run loop steps the clock only while nothing is pending, so host time spent in the model
// never shows in virtual time.

import type { PendingWork } from '../machines/token-prefetch.ts';

export class PendingWorkCounter implements PendingWork {
  private count = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.count;
  }

  begin(): void {
    this.count++;
  }

  end(): void {
    if (this.count === 0) throw new Error('PendingWorkCounter.end() without a matching begin()');
    if (--this.count > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves once nothing is pending. */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
