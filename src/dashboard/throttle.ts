// Coalesces "something changed" into at most one draw per interval of wall time: the first change
// after a quiet spell is drawn on the next timer turn, later ones wait for the interval to pass,
// and a draw always reads the latest state (so the last change is never lost). The only wall
// clock of the dashboard, and it lives outside the simulation: a poke never runs the draw inline,
// so the simulation's own loop never waits on a browser.

/** The host's timers (injected so tests can use fake ones). */
export interface ThrottleTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const HOST_TIMERS: ThrottleTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttle {
  /** Something changed: draw within the interval. O(1) when a draw is already due. */
  poke(): void;
  /** Draws now, whatever the interval (the end of a run), and cancels the pending draw. */
  flush(): void;
  /** Cancels the pending draw. */
  cancel(): void;
}

/** A throttle calling `draw` at most once per `intervalMs` of wall time. */
export function createThrottle(draw: () => void, intervalMs: number, timers: ThrottleTimers = HOST_TIMERS): Throttle {
  /** The pending draw's timer, or null when nothing changed since the last draw. */
  let timer: unknown = null;
  /** Wall time of the last draw; -Infinity before the first. */
  let lastDraw = -Infinity;
  const fire = (): void => {
    timer = null;
    lastDraw = timers.now();
    draw();
  };
  return {
    poke() {
      if (timer !== null) return;
      timer = timers.setTimeout(fire, Math.max(0, lastDraw + intervalMs - timers.now()));
    },
    flush() {
      if (timer !== null) timers.clearTimeout(timer);
      fire();
    },
    cancel() {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
    },
  };
}
