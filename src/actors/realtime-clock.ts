// XState's `Clock` paced by the wall clock, for live runs and the inspector (DESIGN §3.7):
//   virtual now = start + (wall ms since start()) × speed.
// Until start() the clock stands at `start`: timers may be set (a run's submissions) but none fires.
// Timers fire in VirtualClock's order (due time, then insertion), each once virtual now ≥ its due
// time. One real `setTimeout` is armed for the earliest timer; it is re-armed when an earlier timer
// arrives or when it wakes early. The only file under src/ that reads the host clock.

import { ClockOptionError, InvalidDelayError, VirtualClock, type Clock, type TimerId } from './virtual-clock.ts';

export type { TimerId } from './virtual-clock.ts';

export interface RealtimeClockOptions {
  /** Virtual ms per wall ms: 1 is real time, 10 is ten times faster. Default 1. */
  readonly speed?: number;
  /** Virtual time in ms when the clock is created. Default 0. */
  readonly start?: number;
}

type RealTimer = ReturnType<typeof globalThis.setTimeout>;

/** Node fires a longer real timeout after 1 ms (with a warning); a far timer takes several wakes. */
const MAX_REAL_DELAY_MS = 2 ** 31 - 1;

export class RealtimeClock implements Clock {
  readonly speed: number;
  private readonly start: number;
  /** Wall time (performance.now()) at start(); undefined before. */
  private wallStart: number | undefined;
  /** Holds the timers in firing order. Its own time lags ours: it is moved to our now at each wake. */
  private readonly timers: VirtualClock;
  /** The one real timer, armed for `armedFor` (virtual ms); undefined when nothing is pending. */
  private real: RealTimer | undefined;
  private armedFor = Infinity;
  /** True while due timers fire: setting or clearing timers then must not re-arm. */
  private flushing = false;
  private stopped = false;
  private idleWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];

  constructor(options: RealtimeClockOptions = {}) {
    const speed = options.speed ?? 1;
    if (!Number.isFinite(speed) || speed <= 0) {
      throw new ClockOptionError(`invalid speed ${String(speed)}: give virtual ms per wall ms, a finite number > 0`);
    }
    this.speed = speed;
    this.start = options.start ?? 0;
    this.timers = new VirtualClock({ start: this.start });
  }

  /** Starts pacing: virtual time runs from now on and due timers fire. Idempotent. */
  begin(): void {
    if (this.wallStart !== undefined) return;
    this.wallStart = performance.now();
    this.arm();
  }

  /**
   * Virtual time in ms: while a timer fires, exactly its due time (so a run's virtual times are
   * the same as under VirtualClock, however late the host wakes); otherwise start + wall time
   * elapsed since construction × speed, never less than the last timer fired.
   */
  now(): number {
    if (this.flushing || this.wallStart === undefined) return this.timers.now();
    return Math.max(this.timers.now(), this.start + (performance.now() - this.wallStart) * this.speed);
  }

  /** Timers set and neither fired nor cleared. */
  get pending(): number {
    return this.timers.pending;
  }

  /** Due time (virtual ms) of the earliest live timer; undefined when none is pending. */
  nextDue(): number | undefined {
    return this.timers.nextDue();
  }

  /** Schedules `fn` at now() + `ms` virtual ms. Throws `InvalidDelayError` for a bad delay. */
  setTimeout(fn: () => void, ms: number): TimerId {
    return this.schedule(fn, ms, 'setTimeout');
  }

  /** Schedules an input at now() + `ms`: after every actor timer due at that instant. */
  defer(fn: () => void, ms: number): TimerId {
    return this.schedule(fn, ms, 'defer');
  }

  private schedule(fn: () => void, ms: number, kind: 'setTimeout' | 'defer'): TimerId {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new InvalidDelayError(ms);
    // The inner clock shows an earlier time than ours (never a later one): lengthen the delay by
    // the difference so that the timer falls due at our now + ms.
    const id = this.timers[kind](fn, Math.max(0, this.now() + ms - this.timers.now()));
    this.arm();
    return id;
  }

  /** Cancels a timer; an unknown, fired or already cleared id is ignored. */
  clearTimeout(id: TimerId): void {
    this.timers.clearTimeout(id);
    this.arm();
  }

  /**
   * Resolves once no timer is pending. Rejects if `stop()` is called first, or was called
   * already while timers are pending: they would never fire.
   */
  whenIdle(): Promise<void> {
    if (this.timers.pending === 0) return Promise.resolve();
    if (this.stopped) return Promise.reject(this.stoppedError());
    return new Promise((resolve, reject) => this.idleWaiters.push({ resolve, reject }));
  }

  /**
   * Cancels the real timer: nothing fires afterwards. Timers may still be set and cleared.
   * Pending `whenIdle()` promises reject if timers remain.
   */
  stop(): void {
    this.stopped = true;
    this.disarm();
    if (this.timers.pending > 0) this.settleWaiters(this.stoppedError());
  }

  /** Fires every timer due by now, in order, then arms the real timer for the next one. */
  private wake = (): void => {
    this.real = undefined;
    this.armedFor = Infinity;
    const next = this.timers.nextDue();
    if (next === undefined || this.stopped) return;
    const now = this.now();
    // Fire only what is due by `now`: a wake a little early (Node's timers round to whole ms)
    // fires nothing and re-arms for the remainder.
    if (next > now) {
      this.arm();
      return;
    }
    this.flushing = true;
    try {
      this.timers.advanceTo(now);
    } finally {
      this.flushing = false;
      this.arm();
    }
  };

  /** Arms the real timer for the earliest pending timer, or settles `whenIdle` when none is left. */
  private arm(): void {
    if (this.flushing || this.stopped || this.wallStart === undefined) return;
    const next = this.timers.nextDue();
    if (next === undefined) {
      this.disarm();
      this.settleWaiters();
      return;
    }
    // A later armed wake would be late; an earlier one (its timer was cleared) just re-arms.
    if (this.real !== undefined && this.armedFor <= next) return;
    this.disarm();
    this.armedFor = next;
    const wallMs = Math.max(0, (next - this.now()) / this.speed);
    this.real = globalThis.setTimeout(this.wake, Math.min(wallMs, MAX_REAL_DELAY_MS));
  }

  private disarm(): void {
    if (this.real !== undefined) globalThis.clearTimeout(this.real);
    this.real = undefined;
    this.armedFor = Infinity;
  }

  private settleWaiters(error?: Error): void {
    const waiters = this.idleWaiters;
    if (waiters.length === 0) return;
    this.idleWaiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }

  private stoppedError(): Error {
    return new Error(`RealtimeClock was stopped with ${this.timers.pending} timers pending; they will never fire`);
  }
}
