// The dashboard's only wall clock: changes coalesced into at most one draw per interval, the
// latest state always drawn, the end drawn at once. Timers are fake: time moves when the test says.

import { describe, expect, it } from 'vitest';
import { createThrottle, type ThrottleTimers } from '../../src/dashboard/throttle.ts';

/** Fake timers: `advance(ms)` moves time and fires what falls due, in order. */
function fakeTimers(): ThrottleTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let nextId = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      timers.set(++nextId, { at: now + ms, fn });
      return nextId;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
    pending: () => timers.size,
  };
}

describe('createThrottle', () => {
  it('draws a first change on the next timer turn, never inside the poke', () => {
    const timers = fakeTimers();
    const draws: number[] = [];
    const throttle = createThrottle(() => draws.push(timers.now()), 100, timers);
    throttle.poke();
    expect(draws).toEqual([]);
    timers.advance(0);
    expect(draws).toEqual([0]);
  });

  it('coalesces the changes of an interval into one draw, which reads the latest state', () => {
    const timers = fakeTimers();
    let state = 0;
    const drawn: [number, number][] = [];
    const throttle = createThrottle(() => drawn.push([timers.now(), state]), 100, timers);
    throttle.poke();
    timers.advance(0);
    for (let i = 1; i <= 50; i++) {
      state = i;
      throttle.poke();
      timers.advance(1);
    }
    timers.advance(100);
    expect(drawn).toEqual([[0, 0], [100, 50]]);
    expect(timers.pending(), 'nothing left to draw').toBe(0);
  });

  it('draws at most 10 times a wall second at 100 ms, however many changes come', () => {
    const timers = fakeTimers();
    const draws: number[] = [];
    const throttle = createThrottle(() => draws.push(timers.now()), 100, timers);
    for (let ms = 0; ms < 2000; ms++) {
      for (let i = 0; i < 100; i++) throttle.poke();
      timers.advance(1);
    }
    expect(draws.filter((t) => t >= 500 && t < 1500)).toHaveLength(10);
    expect(draws.slice(1).map((t, i) => t - draws[i]!).every((gap) => gap >= 100), 'draws 100 ms apart or more').toBe(true);
  });

  it('draws nothing when nothing changed', () => {
    const timers = fakeTimers();
    let draws = 0;
    createThrottle(() => draws++, 100, timers);
    timers.advance(1000);
    expect(draws).toBe(0);
  });

  it('flush draws at once (the end of a run) and drops the pending draw', () => {
    const timers = fakeTimers();
    const draws: number[] = [];
    const throttle = createThrottle(() => draws.push(timers.now()), 100, timers);
    throttle.poke();
    timers.advance(0);
    timers.advance(10);
    throttle.poke();
    throttle.flush();
    expect(draws).toEqual([0, 10]);
    timers.advance(500);
    expect(draws).toEqual([0, 10]);
  });

  it('cancel drops the pending draw', () => {
    const timers = fakeTimers();
    let draws = 0;
    const throttle = createThrottle(() => draws++, 100, timers);
    throttle.poke();
    throttle.cancel();
    timers.advance(500);
    expect(draws).toBe(0);
  });
});
