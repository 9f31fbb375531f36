// The message bus: synchronous RxJS Subjects carrying every message of the cluster. The router
// and the workers talk only through it. A kind of message may be delivered to the actors late
// (say KV events by 50 ms, to model a router whose view is stale): the delay counts from the
// message's own time `at`, and delayed deliveries are inputs on the clock, after the actors'
// timers of their instant. Observers (metrics, apps) see every message at once, undelayed.
// NOTE: no RxJS time operators here: they would use the host's scheduler; the clock owns time.

import { Subject, type Observable } from 'rxjs';
import type { Message, MessageType } from '../messages.ts';
import type { KvFaults } from './faults.ts';
import { SimulatorError } from '../errors.ts';

/** Delivery delay in ms per message type; absent types are delivered at once. */
export type DeliveryDelays = Partial<Record<MessageType, number>>;

/** What the bus needs of a clock: the current time and inputs scheduled after actor timers. */
export interface BusClock {
  now(): number;
  defer(fn: () => void, ms: number): unknown;
}

/** Thrown for a delivery delay that is not a finite number ≥ 0, naming the message type. */
export class DeliveryDelayError extends SimulatorError {
  override readonly name = 'DeliveryDelayError';
}

export class MessageBus {
  private readonly published = new Subject<Message>();
  private readonly delivered = new Subject<Message>();
  private readonly delays: DeliveryDelays;
  private readonly kvFaulty: boolean;
  /** Every message, as soon as it is published (for observers). */
  readonly messages$: Observable<Message> = this.published.asObservable();
  /** Every message as the actors receive it, after its type's delivery delay. */
  readonly deliveries$: Observable<Message> = this.delivered.asObservable();

  constructor(
    private readonly clock: BusClock,
    delays: DeliveryDelays = {},
    private readonly kvFaults: KvFaults = {},
    /** Draws of the KV faults; seeded by the cluster. */
    private readonly random: () => number = () => 0.5,
  ) {
    for (const [type, ms] of Object.entries(delays)) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
        throw new DeliveryDelayError(`delivery delay of ${type} is ${String(ms)}; it must be a finite number of ms ≥ 0`);
      }
    }
    this.delays = { ...delays };
    this.kvFaulty = (kvFaults.drop ?? 0) > 0 || (kvFaults.duplicate ?? 0) > 0 || (kvFaults.reorderMs ?? 0) > 0;
  }

  /** Shows `message` to observers, and delivers it now or `delay` ms after its time `at`. */
  publish(message: Message): void {
    this.published.next(message);
    const delay = this.delays[message.type] ?? 0;
    if (this.kvFaulty && message.type.startsWith('KV.')) {
      const { drop = 0, duplicate = 0, reorderMs = 0 } = this.kvFaults;
      // Faults of the KV events on their way to the router; draws in a fixed order per event.
      if (drop > 0 && this.random() < drop) return;
      const copies = duplicate > 0 && this.random() < duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++) this.deliver(message, delay + (reorderMs > 0 ? this.random() * reorderMs : 0));
      return;
    }
    this.deliver(message, delay);
  }

  private deliver(message: Message, delay: number): void {
    if (delay === 0) {
      this.delivered.next(message);
      return;
    }
    const wait = message.at + delay - this.clock.now();
    // A message published late (a decode segment's earlier step) is delivered at once if its
    // delivery time is already past; exactly now, it queues behind the inputs of this instant.
    if (wait < 0) this.delivered.next(message);
    else this.clock.defer(() => this.delivered.next(message), wait);
  }

  /** Ends both streams: subscribers complete. */
  close(): void {
    this.published.complete();
    this.delivered.complete();
  }
}
