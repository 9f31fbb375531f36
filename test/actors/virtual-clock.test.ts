import fc from 'fast-check';
import { createActor, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { SimulatorError } from '../../src/errors.ts';
import {
  InvalidDelayError,
  RunawayTimersError,
  TimeReversalError,
  VirtualClock,
  type TimerId,
} from '../../src/actors/virtual-clock.ts';

/** A clock plus a log of `label@time` entries written by the timers it fires. */
function makeClock(start?: number) {
  const clock = start === undefined ? new VirtualClock() : new VirtualClock({ start });
  const log: string[] = [];
  const at = (label: string) => () => log.push(`${label}@${clock.now()}`);
  return { clock, log, at };
}

describe('VirtualClock', () => {
  describe('ordering', () => {
    it('fires timers by due time, whatever the order they were set in', () => {
      const { clock, log, at } = makeClock();
      clock.setTimeout(at('c'), 30);
      clock.setTimeout(at('a'), 10);
      clock.setTimeout(at('b'), 20);
      expect(clock.runUntilIdle()).toBe(3);
      expect(log).toEqual(['a@10', 'b@20', 'c@30']);
    });

    it('fires timers due at the same time in the order they were set', () => {
      const { clock, log, at } = makeClock();
      for (const label of ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']) clock.setTimeout(at(label), 5);
      clock.setTimeout(at('early'), 1);
      clock.runUntilIdle();
      expect(log).toEqual(['early@1', 't1@5', 't2@5', 't3@5', 't4@5', 't5@5', 't6@5', 't7@5', 't8@5']);
    });

    it('measures a delay from the time the timer was set', () => {
      const { clock, log, at } = makeClock();
      clock.setTimeout(() => clock.setTimeout(at('child'), 15), 10);
      clock.setTimeout(at('sibling'), 20);
      clock.runUntilIdle();
      expect(log).toEqual(['sibling@20', 'child@25']);
    });

    it('starts at the given start time', () => {
      const { clock, log, at } = makeClock(1_000);
      expect(clock.now()).toBe(1_000);
      clock.setTimeout(at('a'), 5);
      clock.runUntilIdle();
      expect(log).toEqual(['a@1005']);
    });
  });

  describe('step', () => {
    it('moves the clock exactly to the next due time and fires only the timers due then', () => {
      const { clock, log, at } = makeClock();
      clock.setTimeout(at('a'), 10);
      clock.setTimeout(at('b'), 10);
      clock.setTimeout(at('c'), 11);
      expect(clock.step()).toBe(true);
      expect(clock.now()).toBe(10);
      expect(log).toEqual(['a@10', 'b@10']);
      expect(clock.pending).toBe(1);
    });

    it('fires zero-delay timers set during the flush in the same step, after those already queued', () => {
      const { clock, log, at } = makeClock();
      clock.setTimeout(() => {
        log.push('a@' + clock.now());
        clock.setTimeout(() => {
          log.push('a.child@' + clock.now());
          clock.setTimeout(at('a.grandchild'), 0);
        }, 0);
      }, 10);
      clock.setTimeout(at('b'), 10);
      clock.setTimeout(at('later'), 11);
      clock.step();
      expect(log).toEqual(['a@10', 'b@10', 'a.child@10', 'a.grandchild@10']);
      expect(clock.nextDue()).toBe(11);
    });

    it('returns false and leaves the clock alone when nothing is pending', () => {
      const { clock } = makeClock(7);
      expect(clock.step()).toBe(false);
      expect(clock.now()).toBe(7);
    });

    it('refuses to be called from inside a timer callback', () => {
      const { clock } = makeClock();
      let caught: unknown;
      clock.setTimeout(() => {
        try {
          clock.step();
        } catch (error) {
          caught = error;
        }
      }, 1);
      clock.setTimeout(() => undefined, 2);
      clock.step();
      expect(String(caught)).toMatch(/inside a timer callback/);
    });
  });

  describe('clearTimeout', () => {
    it('cancels a pending timer', () => {
      const { clock, log, at } = makeClock();
      clock.setTimeout(at('a'), 10);
      const b = clock.setTimeout(at('b'), 20);
      clock.setTimeout(at('c'), 30);
      clock.clearTimeout(b);
      expect(clock.pending).toBe(2);
      clock.runUntilIdle();
      expect(log).toEqual(['a@10', 'c@30']);
    });

    it('cancels a timer due at the same instant from inside an earlier callback', () => {
      const { clock, log, at } = makeClock();
      let second: TimerId | undefined;
      clock.setTimeout(() => {
        log.push('first');
        if (second !== undefined) clock.clearTimeout(second);
      }, 5);
      second = clock.setTimeout(at('second'), 5);
      clock.runUntilIdle();
      expect(log).toEqual(['first']);
    });

    it('keeps the order when the timer moved into a cleared slot belongs higher in the heap', () => {
      const { clock } = makeClock();
      const log: number[] = [];
      // Set in heap-array order, so the heap is exactly this array. Clearing 11 (slot 3, under 10)
      // moves the last timer, 4, into slot 3: it must rise above 10, or it fires after 5..9.
      const delays = [1, 10, 2, 11, 12, 5, 3, 13, 14, 15, 16, 7, 8, 9, 4];
      const ids = delays.map((delay) => clock.setTimeout(() => log.push(delay), delay));
      clock.clearTimeout(ids[3]!);
      clock.runUntilIdle();
      expect(log).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 14, 15, 16]);
    });

    it('ignores an unknown, already fired or already cleared id', () => {
      const { clock, log, at } = makeClock();
      const fired = clock.setTimeout(at('fired'), 1);
      clock.step();
      const cleared = clock.setTimeout(at('cleared'), 1);
      clock.clearTimeout(cleared);
      const live = clock.setTimeout(at('live'), 1);
      clock.clearTimeout(fired);
      clock.clearTimeout(cleared);
      clock.clearTimeout(12_345 as TimerId);
      clock.clearTimeout(undefined as unknown as TimerId);
      expect(clock.pending).toBe(1);
      clock.runUntilIdle();
      expect(log).toEqual(['fired@1', 'live@2']);
      expect(live).not.toBe(fired);
    });
  });

  describe('nextDue and pending', () => {
    it('report the earliest live timer and the number of live timers', () => {
      const { clock } = makeClock();
      expect(clock.nextDue()).toBeUndefined();
      expect(clock.pending).toBe(0);
      const a = clock.setTimeout(() => undefined, 40);
      clock.setTimeout(() => undefined, 70);
      expect([clock.nextDue(), clock.pending]).toEqual([40, 2]);
      clock.clearTimeout(a);
      expect([clock.nextDue(), clock.pending]).toEqual([70, 1]);
      clock.step();
      expect([clock.nextDue(), clock.pending]).toEqual([undefined, 0]);
    });
  });

  describe('advanceTo', () => {
    it('fires everything due at or before t in order, then shows t', () => {
      const { clock, log, at } = makeClock();
      clock.setTimeout(at('a'), 10);
      clock.setTimeout(at('b'), 25);
      clock.setTimeout(at('c'), 26);
      expect(clock.advanceTo(25)).toBe(2);
      expect(log).toEqual(['a@10', 'b@25']);
      expect(clock.now()).toBe(25);
      clock.advanceTo(100);
      expect(log).toEqual(['a@10', 'b@25', 'c@26']);
      expect(clock.now()).toBe(100);
    });

    it('throws rather than move the clock backwards', () => {
      const { clock } = makeClock(50);
      expect(() => clock.advanceTo(49)).toThrow(TimeReversalError);
      expect(() => clock.advanceTo(49)).toThrow(/virtual time never runs backwards/);
      expect(clock.now()).toBe(50);
    });
  });

  describe('runUntilIdle', () => {
    it('with until, stops before later timers and moves the clock to until', () => {
      const { clock, log, at } = makeClock();
      clock.setTimeout(at('a'), 10);
      clock.setTimeout(at('b'), 30);
      expect(clock.runUntilIdle({ until: 20 })).toBe(1);
      expect(clock.now()).toBe(20);
      expect(log).toEqual(['a@10']);
      expect(clock.nextDue()).toBe(30);
    });

    it('with until, fires a timer due exactly at until', () => {
      const { clock, log, at } = makeClock();
      clock.setTimeout(at('a'), 20);
      clock.runUntilIdle({ until: 20 });
      expect(log).toEqual(['a@20']);
    });

    it('without until, leaves the clock at the last timer fired', () => {
      const { clock } = makeClock();
      clock.setTimeout(() => undefined, 10);
      clock.setTimeout(() => undefined, 35);
      expect(clock.runUntilIdle()).toBe(2);
      expect(clock.now()).toBe(35);
    });

    it('throws once more than maxSteps timers would fire, naming the limit and the time', () => {
      const { clock } = makeClock();
      const spin = (): void => void clock.setTimeout(spin, 0);
      clock.setTimeout(spin, 3);
      expect(() => clock.runUntilIdle({ maxSteps: 100 })).toThrow(RunawayTimersError);
      expect(() => clock.runUntilIdle({ maxSteps: 100 })).toThrow(
        'the clock loop exceeded 100 steps at virtual time 3 ms',
      );
    });

    it('fires exactly maxSteps timers without complaint', () => {
      const { clock } = makeClock();
      for (let i = 0; i < 5; i++) clock.setTimeout(() => undefined, i);
      expect(clock.runUntilIdle({ maxSteps: 5 })).toBe(5);
    });
  });

  describe('delays', () => {
    it.each([-1, -0.001, NaN, Infinity, -Infinity])('rejects a delay of %s ms', (delay) => {
      const { clock } = makeClock();
      expect(() => clock.setTimeout(() => undefined, delay)).toThrow(InvalidDelayError);
      expect(() => clock.setTimeout(() => undefined, delay)).toThrow(SimulatorError);
      expect(() => clock.setTimeout(() => undefined, delay)).toThrow(String(delay));
      expect(clock.pending).toBe(0);
    });

    it('rejects a delay that is not a number', () => {
      const { clock } = makeClock();
      expect(() => clock.setTimeout(() => undefined, '10' as unknown as number)).toThrow(InvalidDelayError);
    });

    it('accepts fractional delays', () => {
      const { clock, log, at } = makeClock();
      clock.setTimeout(at('a'), 0.5);
      clock.runUntilIdle();
      expect(log).toEqual(['a@0.5']);
    });
  });

  describe('against a naive reference (sort all timers by due time, then insertion)', () => {
    // A callback may set children (delays relative to its firing time) and clear timers by the
    // index at which they were set (which may point at fired or cleared ones).
    type Effect = { readonly set: readonly number[]; readonly clear: readonly number[] };
    type Op =
      | { readonly kind: 'set'; readonly delay: number; readonly effect: Effect }
      | { readonly kind: 'clear'; readonly index: number }
      | { readonly kind: 'step' }
      | { readonly kind: 'run'; readonly until: number };

    const delayArb = fc.oneof(fc.constantFrom(0, 0, 1, 2, 2.5, 5), fc.integer({ min: 0, max: 50 }));
    const effectArb: fc.Arbitrary<Effect> = fc.record({
      set: fc.array(delayArb, { maxLength: 2 }),
      clear: fc.array(fc.nat(60), { maxLength: 1 }),
    });
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('set' as const), delay: delayArb, effect: effectArb }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('clear' as const), index: fc.nat(60) }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('step' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('run' as const), until: fc.integer({ min: 0, max: 30 }) }) },
    );

    /** The reference: an unsorted list, searched in full for the least (due, seq) live timer. */
    class NaiveClock {
      now = 0;
      private seq = 0;
      readonly timers: { due: number; seq: number; fn: () => void; live: boolean }[] = [];
      set(fn: () => void, delay: number): number {
        this.timers.push({ due: this.now + delay, seq: this.seq, fn, live: true });
        return this.seq++;
      }
      clear(seq: number): void {
        const timer = this.timers[seq];
        if (timer !== undefined) timer.live = false;
      }
      first() {
        return this.timers.filter((t) => t.live).sort((a, b) => a.due - b.due || a.seq - b.seq)[0];
      }
      get pending(): number {
        return this.timers.filter((t) => t.live).length;
      }
      fireFirst(): void {
        const timer = this.first()!;
        timer.live = false;
        this.now = timer.due;
        timer.fn();
      }
      step(): boolean {
        const first = this.first();
        if (first === undefined) return false;
        while (this.first()?.due === first.due) this.fireFirst();
        return true;
      }
      run(until: number): void {
        while ((this.first()?.due ?? Infinity) <= until) this.fireFirst();
        this.now = until;
      }
    }

    /** Applies `ops` to a clock through an adapter and returns everything observable. */
    function trace(
      ops: readonly Op[],
      clock: {
        now(): number;
        pending: number;
        nextDue(): number | undefined;
        set(fn: () => void, delay: number): unknown;
        clear(id: unknown): void;
        step(): boolean;
        run(until: number): void;
      },
    ): string[] {
      const out: string[] = [];
      const ids: unknown[] = [];
      let timers = 0;
      const schedule = (delay: number, effect: Effect): void => {
        const name = `t${timers++}`;
        ids.push(
          clock.set(() => {
            out.push(`fire ${name}@${clock.now()}`);
            for (const d of effect.set) schedule(d, { set: [], clear: [] });
            for (const i of effect.clear) if (i < ids.length) clock.clear(ids[i]);
          }, delay),
        );
      };
      for (const op of ops) {
        if (op.kind === 'set') schedule(op.delay, op.effect);
        else if (op.kind === 'clear') {
          if (op.index < ids.length) clock.clear(ids[op.index]);
        } else if (op.kind === 'step') out.push(`step ${clock.step()}`);
        else {
          const until = Math.max(op.until, clock.now());
          clock.run(until);
        }
        out.push(`now=${clock.now()} pending=${clock.pending} next=${clock.nextDue()}`);
      }
      return out;
    }

    it('fires the same timers at the same times, with the same now, pending and nextDue', () => {
      fc.assert(
        fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
          const virtual = new VirtualClock();
          const expected = (() => {
            const naive = new NaiveClock();
            return trace(ops, {
              now: () => naive.now,
              get pending() {
                return naive.pending;
              },
              nextDue: () => naive.first()?.due,
              set: (fn, delay) => naive.set(fn, delay),
              clear: (id) => naive.clear(id as number),
              step: () => naive.step(),
              run: (until) => naive.run(until),
            });
          })();
          const actual = trace(ops, {
            now: () => virtual.now(),
            get pending() {
              return virtual.pending;
            },
            nextDue: () => virtual.nextDue(),
            set: (fn, delay) => virtual.setTimeout(fn, delay),
            clear: (id) => virtual.clearTimeout(id as TimerId),
            step: () => virtual.step(),
            run: (until) => void virtual.runUntilIdle({ until }),
          });
          expect(actual).toEqual(expected);
        }),
        { numRuns: 2_000 },
      );
    });
  });

  describe('as the clock of an XState actor', () => {
    const pipeline = setup({
      types: { context: {} as { prefillMs: number } },
      delays: {
        prefill: ({ context }) => context.prefillMs,
        decode: 150,
      },
    }).createMachine({
      id: 'pipeline',
      context: { prefillMs: 40 },
      initial: 'queued',
      states: {
        queued: { after: { 10: 'prefill' } },
        prefill: { after: { prefill: 'decode' } },
        decode: { after: { decode: 'done' } },
        done: { type: 'final' },
      },
    });

    it('drives delayed transitions so the machine finishes at exactly the expected virtual time', () => {
      const clock = new VirtualClock();
      const actor = createActor(pipeline, { clock });
      const visits: string[] = [];
      actor.subscribe((snapshot) => visits.push(`${String(snapshot.value)}@${clock.now()}`));
      actor.start();
      expect(clock.pending).toBe(1);

      const fired = clock.runUntilIdle();

      expect(actor.getSnapshot().status).toBe('done');
      expect(clock.now()).toBe(10 + 40 + 150);
      expect(fired).toBe(3);
      expect(visits).toEqual(['queued@0', 'prefill@10', 'decode@50', 'done@200']);
    });

    it('cancels the pending timer when the machine leaves the state early', () => {
      const machine = setup({}).createMachine({
        initial: 'waiting',
        states: {
          waiting: { after: { 1_000: 'timedOut' }, on: { 'REQUEST.ADMITTED': 'running' } },
          running: {},
          timedOut: {},
        },
      });
      const clock = new VirtualClock();
      const actor = createActor(machine, { clock }).start();
      clock.advanceTo(400);
      actor.send({ type: 'REQUEST.ADMITTED' });
      expect(clock.pending).toBe(0);
      clock.advanceTo(2_000);
      expect(actor.getSnapshot().value).toBe('running');
    });

    it('puts the actor in status error when a delay function returns NaN', () => {
      const machine = setup({ delays: { broken: () => NaN } }).createMachine({
        initial: 'a',
        states: { a: { after: { broken: 'b' } }, b: {} },
      });
      const clock = new VirtualClock();
      const actor = createActor(machine, { clock });
      let reported: unknown;
      actor.subscribe({ error: (error) => (reported = error) });
      actor.start();
      expect(actor.getSnapshot().status).toBe('error');
      expect(reported).toBeInstanceOf(InvalidDelayError);
    });

    it('is shared by several root actors, whose timers interleave by due time', () => {
      const clock = new VirtualClock();
      const slow = createActor(pipeline.provide({ delays: { prefill: 100 } }), { clock });
      const fast = createActor(pipeline, { clock });
      const done: string[] = [];
      slow.subscribe({ complete: () => done.push(`slow@${clock.now()}`) });
      fast.subscribe({ complete: () => done.push(`fast@${clock.now()}`) });
      slow.start();
      fast.start();
      clock.runUntilIdle();
      expect(done).toEqual(['fast@200', 'slow@260']);
    });
  });
});

describe('VirtualClock lanes', () => {
  it('fires actor timers before inputs due at the same instant, whatever the insertion order', () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    clock.defer(() => order.push('input set first'), 10);
    clock.setTimeout(() => order.push('actor set second'), 10);
    clock.defer(() => order.push('input set third'), 10);
    clock.runUntilIdle();
    expect(order).toEqual(['actor set second', 'input set first', 'input set third']);
  });

  it('lets an actor react to an input before the next input of that instant', () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    clock.defer(() => {
      order.push('input 1');
      clock.setTimeout(() => order.push('reaction to 1'), 0);
    }, 5);
    clock.defer(() => order.push('input 2'), 5);
    clock.runUntilIdle();
    expect(order).toEqual(['input 1', 'reaction to 1', 'input 2']);
  });

  it('still orders inputs by due time first', () => {
    const clock = new VirtualClock();
    const order: number[] = [];
    clock.setTimeout(() => order.push(2), 2);
    clock.defer(() => order.push(1), 1);
    clock.runUntilIdle();
    expect(order).toEqual([1, 2]);
  });
});
