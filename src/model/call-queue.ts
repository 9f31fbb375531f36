// A model source's calls run one at a time, in the order they were made, while `release` may come
// at any moment: between calls, or while a call made before it waits for the model. A call that
// was made before a sequence's release must not keep state for it afterwards; tickets tell.

import type { RequestId } from '../messages.ts';

export class CallQueue {
  private tail: Promise<unknown> = Promise.resolve();
  /** Calls made and calls settled; a call's ticket is `issued` when it was made. */
  private issued = 0;
  private settled = 0;
  /** Sequences released while calls were pending → the last ticket issued then (cleared when idle). */
  private readonly releasedAt = new Map<RequestId, number>();

  /** Runs `call` after every call made before it, with its ticket. */
  run<T>(call: (ticket: number) => Promise<T>): Promise<T> {
    const ticket = ++this.issued;
    const result = this.tail.then(() => call(ticket));
    this.tail = result
      .catch(() => undefined)
      .then(() => {
        if (++this.settled === this.issued) this.releasedAt.clear();
      });
    return result;
  }

  /** Notes that `requestId` was released now. */
  release(requestId: RequestId): void {
    if (this.settled < this.issued) this.releasedAt.set(requestId, this.issued);
  }

  /** Whether `requestId` was released after the call holding `ticket` was made. */
  releasedSince(requestId: RequestId, ticket: number): boolean {
    return (this.releasedAt.get(requestId) ?? 0) >= ticket;
  }
}
