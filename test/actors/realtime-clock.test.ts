// NOTE: these tests run on the wall clock, so they assert only orders and lower bounds
// (now() ≥ due), never how late a timer fired: a loaded machine may be slow, never early.

import { createActor, setup } from 'xstate';
import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeClock } from '../../src/actors/realtime-clock.ts';
import { ClockOptionError, InvalidDelayError } from '../../src/actors/virtual-clock.ts';

const clocks: RealtimeClock[] = [];
/** A fast clock (1,000 virtual ms per wall ms), stopped after each test. */
function makeClock(speed = 1_000, begin = true): RealtimeClock {
  const clock = new RealtimeClock({ speed });
  clocks.push(clock);
  if (begin) clock.begin();
  return clock;
}
afterEach(() => {
  for (const clock of clocks.splice(0)) clock.stop();
});

describe('RealtimeClock', () => {
  it('stands still and fires nothing until begin()', async () => {
    const clock = makeClock(1_000, false);
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 10);
    await new Promise((resolve) => globalThis.setTimeout(resolve, 20));
    expect(clock.now()).toBe(0);
    expect(fired).toEqual([]);
    clock.begin();
    await clock.whenIdle();
    expect(fired).toEqual([10]);
  });

  it('shows exactly the due time of the timer that fires, however late the host wakes', async () => {
    const clock = makeClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 1_234.5);
    }, 0);
    await clock.whenIdle();
    expect(seen[1]! - seen[0]!).toBe(1_234.5);
  });

  it('fires timers in due order, each at a virtual now() at or after its due time', async () => {
    const clock = makeClock();
    const fired: { label: string; due: number; now: number }[] = [];
    const set = (label: string, ms: number): void => {
      const due = clock.now() + ms;
      clock.setTimeout(() => fired.push({ label, due, now: clock.now() }), ms);
    };
    set('c', 30_000);
    set('a', 10_000);
    set('b', 20_000);
    expect(clock.pending).toBe(3);
    await clock.whenIdle();
    expect(fired.map((f) => f.label)).toEqual(['a', 'b', 'c']);
    for (const f of fired) expect(f.now, `${f.label} fired before its due time`).toBeGreaterThanOrEqual(f.due);
    expect(clock.pending).toBe(0);
  });

  it('fires timers due at the same time in the order they were set, zero-delay children after them', async () => {
    const clock = makeClock();
    const log: string[] = [];
    // Set from inside a callback, where virtual time stands still, the four share one due time
    // (set from outside, wall time would pass between the calls).
    clock.setTimeout(() => {
      clock.setTimeout(() => {
        log.push('a');
        clock.setTimeout(() => log.push('a.child'), 0);
      }, 5_000);
      for (const label of ['b', 'c', 'd']) clock.setTimeout(() => log.push(label), 5_000);
    }, 0);
    await clock.whenIdle();
    expect(log).toEqual(['a', 'b', 'c', 'd', 'a.child']);
  });

  it('re-arms the real timer for a timer set earlier than the one it waits for', async () => {
    const clock = makeClock();
    const log: string[] = [];
    // 'late' is due in 10^9 virtual ms, 11 days of wall time: if the real timer stayed armed for
    // it, 'early' would not fire and this test would time out.
    const late = clock.setTimeout(() => log.push('late'), 1e9);
    clock.setTimeout(() => {
      log.push('early');
      clock.clearTimeout(late);
    }, 1_000);
    await clock.whenIdle();
    expect(log).toEqual(['early']);
  });

  it('does not fire a cleared timer, and is idle once the last one is cleared', async () => {
    const clock = makeClock();
    const log: string[] = [];
    const a = clock.setTimeout(() => log.push('a'), 2_000);
    const b = clock.setTimeout(() => log.push('b'), 1_000);
    clock.setTimeout(() => clock.clearTimeout(a), 0);
    await clock.whenIdle();
    expect(log).toEqual(['b']);
    clock.clearTimeout(b); // already fired: a no-op
    expect(clock.pending).toBe(0);
    await clock.whenIdle();
  });

  it('waits for a timer due beyond the longest real timeout Node accepts (24.8 days)', async () => {
    const clock = makeClock(1);
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    let fired = false;
    clock.setTimeout(() => (fired = true), 30 * 24 * 3_600_000);
    await new Promise((resolve) => globalThis.setTimeout(resolve, 10));
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
    expect(fired).toBe(false);
    expect(clock.pending).toBe(1);
  });

  it('rejects negative and NaN delays', () => {
    const clock = makeClock();
    expect(() => clock.setTimeout(() => undefined, -5)).toThrow(InvalidDelayError);
    expect(() => clock.setTimeout(() => undefined, NaN)).toThrow(/NaN/);
    expect(() => new RealtimeClock({ speed: 0 })).toThrow(ClockOptionError);
  });

  it('fires nothing after stop(), and rejects whenIdle() while timers are pending', async () => {
    const clock = makeClock();
    let fired = false;
    clock.setTimeout(() => (fired = true), 1_000);
    const idle = clock.whenIdle();
    clock.stop();
    await expect(idle).rejects.toThrow(/stopped with 1 timers pending/);
    await new Promise((resolve) => globalThis.setTimeout(resolve, 5));
    expect(fired).toBe(false);
  });

  it('drives an XState machine through its delayed transitions', async () => {
    const machine = setup({ delays: { prefill: 4_000, decode: 8_000 } }).createMachine({
      initial: 'prefill',
      states: {
        prefill: { after: { prefill: 'decode' } },
        decode: { after: { decode: 'done' } },
        done: { type: 'final' },
      },
    });
    const clock = makeClock();
    const visits: { state: string; now: number }[] = [];
    const actor = createActor(machine, { clock });
    actor.subscribe((snapshot) => visits.push({ state: String(snapshot.value), now: clock.now() }));
    actor.start();
    await clock.whenIdle();
    expect(actor.getSnapshot().status).toBe('done');
    expect(visits.map((v) => v.state)).toEqual(['prefill', 'decode', 'done']);
    expect(visits[2]!.now).toBeGreaterThanOrEqual(12_000);
  });
});
