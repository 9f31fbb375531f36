// The simulation's clock (DESIGN §3.7): XState's `Clock` over a binary min-heap of timers, whose
// run loop jumps exactly to the next due time. Timers fire in this order:
//   1. earlier due time first;
//   2. at the same time, actor timers (`setTimeout`, XState's delays) before inputs (`defer`:
//      submissions and delayed deliveries), so that whatever the actors do at an instant has
//      happened before anything from outside arrives at that instant;
//   3. then the one set first (insertion order), including timers set with delay 0 by a callback
//      of that same instant, which fire after the ones queued.
// Virtual time never runs backwards, and nothing here reads the host clock.
// NOTE: not XState's bundled `SimulatedClock`: it hides its next due time, re-sorts every pending
// timer on each step, and fires a timer late when the loop jumps past its deadline.

import type { ActorOptions, AnyActorLogic } from 'xstate';
import { SimulatorError } from '../errors.ts';

/** XState's `Clock` (`setTimeout`, `clearTimeout`), which xstate uses but does not export by name. */
export type Clock = NonNullable<ActorOptions<AnyActorLogic>['clock']>;

/** The opaque handle returned by `setTimeout`; pass it back to `clearTimeout`. */
export type TimerId = number & { readonly __brand: 'TimerId' };

export interface VirtualClockOptions {
  /** Virtual time in ms at which the clock starts; 0 by default. */
  readonly start?: number;
}

export interface RunOptions {
  /** Fire only timers due at or before this virtual time, then set the clock to it. */
  readonly until?: number;
  /** The most timers this call may fire (one callback = one step); unbounded by default. */
  readonly maxSteps?: number;
}

/** A delay that is negative, infinite, NaN or not a number: XState would fire it never or at once. */
export class InvalidDelayError extends SimulatorError {
  override readonly name = 'InvalidDelayError';
  constructor(readonly delay: unknown) {
    super(`invalid timer delay ${String(delay)} ms: a delay must be a finite number ≥ 0; check the machine's delays`);
  }
}

/** A request to move the clock to an earlier time than it shows. */
export class TimeReversalError extends SimulatorError {
  override readonly name = 'TimeReversalError';
  constructor(readonly target: number, readonly now: number) {
    super(`cannot move the clock to ${target} ms: it is already at ${now} ms, and virtual time never runs backwards`);
  }
}

/** `runUntilIdle` fired its `maxSteps` timers and more were due: most likely a zero-delay loop. */
/** A clock option or argument that is not a finite time (start, until, maxSteps, speed). */
export class ClockOptionError extends SimulatorError {
  override readonly name = 'ClockOptionError';
}

export class RunawayTimersError extends SimulatorError {
  override readonly name = 'RunawayTimersError';
  constructor(readonly maxSteps: number, readonly now: number) {
    super(
      `the clock loop exceeded ${maxSteps} steps at virtual time ${now} ms; ` +
        'a timer probably reschedules itself with delay 0, or raise maxSteps',
    );
  }
}

/** One scheduled callback; `index` is its slot in the heap, so clearing it is O(log n). */
interface Timer {
  readonly due: number;
  /** 0: actor timers; 1: inputs (`defer`), which fire after actor timers of the same instant. */
  readonly lane: 0 | 1;
  readonly seq: number;
  readonly fn: () => void;
  index: number;
}

/** Whether `a` fires before `b`: by due time, then lane, then insertion sequence. */
function before(a: Timer, b: Timer): boolean {
  if (a.due !== b.due) return a.due < b.due;
  if (a.lane !== b.lane) return a.lane < b.lane;
  return a.seq < b.seq;
}

export class VirtualClock implements Clock {
  private time: number;
  /** Min-heap of live timers: heap[0] fires next. Cleared timers leave it at once. */
  private readonly heap: Timer[] = [];
  /** Live timers by id, for `clearTimeout`; a timer leaves it when it fires or is cleared. */
  private readonly live = new Map<number, Timer>();
  /** Insertion counter: the tie-break between equal due times, and the next timer's id. */
  private seq = 0;
  /** True while a callback runs; `step`/`runUntilIdle`/`advanceTo` may not re-enter then. */
  private firing = false;

  constructor(options: VirtualClockOptions = {}) {
    const start = options.start ?? 0;
    if (!Number.isFinite(start)) throw new ClockOptionError(`invalid start time ${String(start)} ms: must be a finite number`);
    this.time = start;
  }

  /** Current virtual time in ms. While a timer fires, its due time. */
  now(): number {
    return this.time;
  }

  /** Number of timers set and neither fired nor cleared. */
  get pending(): number {
    return this.heap.length;
  }

  /** Due time of the earliest live timer; undefined when none is pending. O(1). */
  nextDue(): number | undefined {
    return this.heap[0]?.due;
  }

  /** Schedules `fn` at now + `ms`. O(log n). Throws `InvalidDelayError` for a bad delay. */
  setTimeout(fn: () => void, ms: number): TimerId {
    return this.schedule(fn, ms, 0);
  }

  /** Schedules an input at now + `ms`: it fires after every actor timer due at that instant. */
  defer(fn: () => void, ms: number): TimerId {
    return this.schedule(fn, ms, 1);
  }

  private schedule(fn: () => void, ms: number, lane: 0 | 1): TimerId {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new InvalidDelayError(ms);
    const seq = ++this.seq;
    const timer: Timer = { due: this.time + ms, lane, seq, fn, index: this.heap.length };
    this.heap.push(timer);
    this.siftUp(timer.index);
    this.live.set(seq, timer);
    return seq as TimerId;
  }

  /** Cancels a timer. O(log n). An unknown, fired or already cleared id is ignored. */
  clearTimeout(id: TimerId): void {
    const timer = this.live.get(id);
    if (timer === undefined) return;
    this.live.delete(id);
    this.removeAt(timer.index);
  }

  /**
   * Moves the clock exactly to the next due time and fires every timer due then, including those
   * that callbacks of this instant set with delay 0. False if nothing was pending.
   * NOTE: unguarded; a timer that reschedules itself with delay 0 never lets it return. Use
   * `runUntilIdle({ maxSteps })` where that can happen.
   */
  step(): boolean {
    this.assertNotFiring('step');
    const first = this.heap[0];
    if (first === undefined) return false;
    const due = first.due;
    this.firing = true;
    try {
      while (this.heap[0]?.due === due) this.fireFirst();
    } finally {
      this.firing = false;
    }
    return true;
  }

  /**
   * Fires timers in order while any is pending (and due ≤ `until`, if given); with `until`, the
   * clock then shows `until`. Returns the number of timers fired. Throws `RunawayTimersError` if
   * more than `maxSteps` timers would fire.
   */
  runUntilIdle(options: RunOptions = {}): number {
    this.assertNotFiring('runUntilIdle');
    const until = options.until ?? Infinity;
    const maxSteps = options.maxSteps ?? Infinity;
    if (Number.isNaN(until)) throw new ClockOptionError('invalid until NaN: give a virtual time in ms');
    if (until < this.time) throw new TimeReversalError(until, this.time);
    if (!(maxSteps >= 0)) throw new ClockOptionError(`invalid maxSteps ${String(maxSteps)}: must be ≥ 0`);
    let fired = 0;
    this.firing = true;
    try {
      for (let next = this.heap[0]; next !== undefined && next.due <= until; next = this.heap[0]) {
        if (fired >= maxSteps) throw new RunawayTimersError(maxSteps, this.time);
        this.fireFirst();
        fired++;
      }
    } finally {
      this.firing = false;
    }
    if (until !== Infinity) this.time = until;
    return fired;
  }

  /** Fires everything due at or before `t`, in order, then sets the clock to `t`. */
  advanceTo(t: number, options: { readonly maxSteps?: number } = {}): number {
    return this.runUntilIdle({ ...options, until: t });
  }

  /** Pops heap[0], moves the clock to its due time and runs it. The caller checks it exists. */
  private fireFirst(): void {
    const timer = this.heap[0] as Timer;
    if (timer.due < this.time) {
      throw new Error(`VirtualClock invariant broken: timer ${timer.seq} is due at ${timer.due} ms, before now ${this.time} ms`);
    }
    this.live.delete(timer.seq);
    this.removeAt(0);
    this.time = timer.due;
    timer.fn();
  }

  private assertNotFiring(method: string): void {
    if (this.firing) {
      throw new Error(`VirtualClock.${method}() called from inside a timer callback; set a timer instead`);
    }
  }

  /** Takes the timer at heap slot `i` out, keeping the heap ordered. */
  private removeAt(i: number): void {
    const heap = this.heap;
    const last = heap.pop() as Timer;
    if (i === heap.length) return;
    heap[i] = last;
    last.index = i;
    // The moved timer may belong above or below slot i; at most one of the two moves it.
    this.siftUp(i);
    this.siftDown(last.index);
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const timer = heap[i] as Timer;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex] as Timer;
      if (!before(timer, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = timer;
    timer.index = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const timer = heap[i] as Timer;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(heap[right] as Timer, heap[left] as Timer)) child = right;
      const first = heap[child] as Timer;
      if (!before(first, timer)) break;
      heap[i] = first;
      first.index = i;
      i = child;
    }
    heap[i] = timer;
    timer.index = i;
  }
}
