// An Observable whose subscribers cannot kill their host. RxJS reports an error thrown by a
// subscriber's own callback on a timer (reportUnhandledError), where it crashes the process after
// the run that caused it has resolved; a guarded observable hands it to `onError` instead (the
// cluster fails its run with it). The guard follows the observable through `pipe`.

import { Observable, Subscriber, type Observer, type Operator, type Subscription } from 'rxjs';
import { SimulatorError } from '../errors.ts';

/** An app's subscriber or observer of the cluster threw: the run stops with this error. */
export class SubscriberError extends SimulatorError {
  override readonly name = 'SubscriberError';
  constructor(who: string, cause: unknown, where = '') {
    super(`${who} threw${where}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

type Callbacks<T> = Partial<Observer<T>> | ((value: T) => void) | null | undefined;

/** An Observable that hands its subscribers' own errors to `onError`. */
export class GuardedObservable<T> extends Observable<T> {
  constructor(
    private readonly onError: (error: SubscriberError) => void,
    subscribe?: (this: Observable<T>, subscriber: Subscriber<T>) => (() => void) | Subscription | void,
  ) {
    super(subscribe);
  }

  // NOTE: lift is how RxJS 7's own Subject keeps its kind through operators; overriding it is what
  // carries the guard to `events$.pipe(...).subscribe(fn)`.
  override lift<R>(operator?: Operator<T, R>): GuardedObservable<R> {
    const observable = new GuardedObservable<R>(this.onError);
    observable.source = this;
    observable.operator = operator;
    return observable;
  }

  override subscribe(observerOrNext?: Callbacks<T>): Subscription;
  override subscribe(next?: ((value: T) => void) | null, error?: ((error: unknown) => void) | null, complete?: (() => void) | null): Subscription;
  override subscribe(
    observerOrNext?: Callbacks<T>,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    // An operator's inner subscriber reports its own errors downstream: only the outer one is guarded.
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? { ...(observerOrNext ? { next: observerOrNext } : {}), ...(error ? { error } : {}), ...(complete ? { complete } : {}) }
        : observerOrNext;
    const guard =
      <A extends unknown[]>(where: string, callback: ((...args: A) => void) | undefined) =>
      (...args: A): void => {
        try {
          callback?.apply(observer, args);
        } catch (thrown) {
          this.onError(new SubscriberError('a subscriber of events$', thrown, ` in ${where}()`));
        }
      };
    return super.subscribe({
      next: guard('next', observer.next),
      // An error reaching a subscriber without an error callback (an operator's function threw) is
      // the subscriber's error too.
      error: observer.error ? guard('error', observer.error) : (thrown: unknown) => this.onError(new SubscriberError('an operator on events$', thrown)),
      complete: guard('complete', observer.complete),
    });
  }
}
