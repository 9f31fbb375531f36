import { describe, expect, it } from 'vitest';
import { DeliveryDelayError, MessageBus } from '../../src/actors/bus.ts';
import { VirtualClock } from '../../src/actors/virtual-clock.ts';
import type { BlockHash } from '../../src/cache/hash.ts';
import type { Message } from '../../src/messages.ts';

const stored = (at: number, workerId = 0): Message => ({ type: 'KV.STORED', at, workerId, parent: null, hashes: [`h${at}` as BlockHash] });
const down = (at: number): Message => ({ type: 'WORKER.DOWN', at, workerId: 1, reason: 'killed' });

/** A bus on a fresh virtual clock, with what observers saw and what actors received (and when). */
function harness(delays = {}, kvFaults = {}, random?: () => number) {
  const clock = new VirtualClock();
  const bus = new MessageBus(clock, delays, kvFaults, random);
  const seen: Message[] = [];
  const received: [number, Message][] = [];
  bus.messages$.subscribe((m) => seen.push(m));
  bus.deliveries$.subscribe((m) => received.push([clock.now(), m]));
  return { clock, bus, seen, received };
}

describe('MessageBus', () => {
  it('shows every message to observers at once and delivers it at once when its type has no delay', () => {
    const { bus, seen, received } = harness();
    bus.publish(stored(0));
    expect(seen).toHaveLength(1);
    expect(received).toEqual([[0, stored(0)]]);
  });

  it('delivers a delayed type that late, counted from the message\'s own time, other types at once', () => {
    const { clock, bus, seen, received } = harness({ 'KV.STORED': 50 });
    bus.publish(stored(0));
    bus.publish(down(0));
    expect(seen).toHaveLength(2);
    expect(received.map(([, m]) => m.type)).toEqual(['WORKER.DOWN']);
    clock.runUntilIdle();
    expect(received).toEqual([[0, down(0)], [50, stored(0)]]);
  });

  it('delivers at once a message whose delivery time has already passed (published late)', () => {
    const { clock, bus, received } = harness({ 'KV.STORED': 50 });
    clock.advanceTo(80);
    bus.publish(stored(10)); // due at 60, published at 80
    expect(received).toEqual([[80, stored(10)]]);
  });

  it('drops and duplicates KV events by its draws, and never other messages', () => {
    const dropAll = harness({}, { drop: 1 }, () => 0);
    dropAll.bus.publish(stored(0));
    dropAll.bus.publish(down(0));
    expect(dropAll.seen).toHaveLength(2); // observers still see every event once
    expect(dropAll.received.map(([, m]) => m.type)).toEqual(['WORKER.DOWN']);
    const twice = harness({}, { duplicate: 1 }, () => 0);
    twice.bus.publish(stored(0));
    expect(twice.received.map(([, m]) => m.type)).toEqual(['KV.STORED', 'KV.STORED']);
  });

  it('reorders KV events by up to reorderMs, so a later event can overtake an earlier one', () => {
    const draws = [0.9, 0.1];
    const { clock, bus, received } = harness({}, { reorderMs: 100 }, () => draws.shift()!);
    bus.publish(stored(0)); // delivered at 90
    bus.publish(stored(1, 1)); // at 1 + 10 = 11
    clock.runUntilIdle();
    expect(received.map(([t, m]) => [t, m.at])).toEqual([[11, 1], [90, 0]]);
  });

  it('refuses a delay that is not a finite number ≥ 0, naming the type', () => {
    expect(() => harness({ 'KV.REMOVED': -1 })).toThrow(new DeliveryDelayError('delivery delay of KV.REMOVED is -1; it must be a finite number of ms ≥ 0'));
    expect(() => harness({ 'KV.STORED': Number.NaN })).toThrow(DeliveryDelayError);
  });

  it('completes both streams when closed', () => {
    const { bus } = harness();
    const completed: string[] = [];
    bus.messages$.subscribe({ complete: () => completed.push('messages') });
    bus.deliveries$.subscribe({ complete: () => completed.push('deliveries') });
    bus.close();
    expect(completed).toEqual(['messages', 'deliveries']);
  });
});
