// createCluster: the running system. It spawns one router and N worker actors on one clock, wires
// them to the bus (each actor's emitted messages are published; deliveries are sent to the actor
// they concern), and lets an app submit requests, watch every message and run the clock.

import type { Observable } from 'rxjs';
import { createActor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import { BlockPool, type PoolStats, type PoolUsage } from '../cache/block-pool.ts';
import { DEFAULT_PROFILE, blocksPerWorker } from '../cache/capacity.ts';
import { ChainHasher } from '../cache/hash.ts';
import { batchLimits } from '../batch-limits.ts';
import { resolveLatency } from '../latency-model.ts';
import type { Message, RequestId, RequestSpec } from '../messages.ts';
import { createDummyTokenSource } from '../model/dummy.ts';
import { RouterCore } from '../machines/router-core.ts';
import { routerMachine } from '../machines/router.machine.ts';
import { WorkerEngine } from '../machines/worker-engine.ts';
import { workerMachine, type WorkerFault } from '../machines/worker.machine.ts';
import { RouterView, viewOptions } from '../routing/router-view.ts';
import { createStrategy } from '../routing/strategies.ts';
import type { WorkerLoad } from '../routing/types.ts';
import { MessageBus } from './bus.ts';
import { GuardedObservable, SubscriberError } from './guarded-observable.ts';
import { PendingWorkCounter } from './pending-work.ts';
import { restartOfLiveWorker, type WorkerFaultSpec } from './faults.ts';
import { createPrng } from '../prng.ts';
import { MetricsRecorder } from '../metrics/recorder.ts';
import { ClusterConfigError, validateClusterOptions, validateFault, type ClusterOptions } from './cluster-options.ts';
import { RealtimeClock } from './realtime-clock.ts';
import { checkPrompt, InvalidRequestError, MAX_SUBMIT_MS, validateRequest, type RequestInput } from './request-input.ts';
import { lazyModel } from './lazy-model.ts';
import { ClockOptionError, VirtualClock } from './virtual-clock.ts';

export interface WorkerSnapshot {
  readonly id: number;
  readonly state: string;
  readonly waiting: number;
  readonly prefilling: number;
  readonly running: number;
  readonly usage: PoolUsage;
  readonly stats: PoolStats;
}

export interface ClusterSnapshot {
  /** Virtual time in ms. */
  readonly now: number;
  readonly router: { readonly routed: number; readonly workers: readonly WorkerLoad[] };
  readonly workers: readonly WorkerSnapshot[];
}

export interface RunOptions {
  /** Stop at this virtual time (ms) even if work remains; run until idle by default. */
  readonly until?: number;
}

export interface Cluster {
  /**
   * Every message of the cluster, as it happens (undelayed), each stamped with its virtual time. A
   * subscriber that throws fails the run (`run()` rejects with a SubscriberError), never the host.
   */
  readonly events$: Observable<Message>;
  readonly workerCount: number;
  /** Tokens per KV block (the profile's). */
  readonly blockSize: number;
  /** Blocks per worker ('unbounded' for an oracle cache). */
  readonly capacity: number | 'unbounded';
  /** Virtual time in ms. */
  now(): number;
  /** Submits a request at virtual time `at` (now by default); returns its id. */
  submit(request: RequestInput, at?: number): RequestId;
  /**
   * Runs the clock until nothing is left to do (or `until`); rejects if an actor failed. In
   * real-time mode this also starts the wall-clock pacing, which keeps going afterwards: later
   * submissions run as they come (call `run()` again to wait for them).
   */
  run(options?: RunOptions): Promise<void>;
  /** Router and worker state, for dashboards and tests. */
  snapshot(): ClusterSnapshot;
  /** The XState actors, e.g. for an inspector. Their own subscribers follow XState's rules (a throw is rethrown on a timer). */
  readonly actors: { readonly router: Actor<typeof routerMachine>; readonly workers: readonly Actor<typeof workerMachine>[] };
  /** Schedules a fault (kill, restart, stall) at its virtual time. */
  injectFault(fault: WorkerFaultSpec): void;
  /** Stops every actor and completes events$. */
  stop(): void;
}

/**
 * Debug mode: the metrics recorder, strict, on every message: a request that ends twice, or a
 * message about a request never submitted, fails the run.
 */
function watchConservation(bus: MessageBus, failures: unknown[]): void {
  const recorder = new MetricsRecorder({ strict: true });
  bus.messages$.subscribe((m) => {
    try {
      recorder.observe(m);
    } catch (error) {
      failures.push(error);
    }
  });
}

/** The app's inspect observer, its throws recorded as the run's failure rather than thrown through XState. */
function guardInspect(
  inspect: ((event: InspectionEvent) => void) | Observer<InspectionEvent>,
  failures: unknown[],
): (event: InspectionEvent) => void {
  const next = typeof inspect === 'function' ? inspect : (event: InspectionEvent) => inspect.next?.(event);
  return (event) => {
    try {
      next(event);
    } catch (thrown) {
      failures.push(new SubscriberError('the inspect observer', thrown));
    }
  };
}

/** A restart of a worker that is not down at that time is a mistake in the fault list: refused, naming it. */
function checkRestarts(faults: readonly WorkerFaultSpec[]): void {
  const fault = restartOfLiveWorker(faults);
  if (fault !== undefined) throw new ClusterConfigError([`faults: restart of worker ${fault.worker} at ${fault.at} ms, but it is not down then (kill it earlier)`]);
}

/** Clock steps between two yields of a synchronous run (~10–50 ms of host time). */
const STEPS_BETWEEN_YIELDS = 1024;

/** Resolves after the host's pending I/O and timers had their turn. */
const yieldToHost = (): Promise<void> => new Promise((resolve) => (globalThis.setImmediate ?? globalThis.setTimeout)(resolve));

/** Builds a cluster of a router and `workers` workers on one clock. */
export function createCluster(given: ClusterOptions = {}): Cluster {
  const options = validateClusterOptions(given);
  const workerCount = options.workers ?? 4;
  const profile = options.profile ?? DEFAULT_PROFILE;
  const blockSize = profile.tokensPerBlock;
  const capacity = options.capacity ?? blocksPerWorker(profile);
  const latency = resolveLatency(options.latency, profile);
  const limits = batchLimits({ maxRunning: options.maxRunning, maxBatchedTokens: options.maxBatchedTokens }, latency, profile);
  const mode = options.clock ?? 'virtual';
  const clock = mode === 'virtual' ? new VirtualClock() : new RealtimeClock({ speed: options.speed ?? 1 });
  const now = () => clock.now();
  const segmented = (options.decode ?? (mode === 'virtual' ? 'segments' : 'steps')) === 'segments';
  const model = options.model === undefined ? undefined : lazyModel(options.model, options.seed ?? 0);
  const tokens = options.tokens ?? model?.source ?? createDummyTokenSource({ seed: options.seed ?? 0 });
  const hasherOptions = { blockSize, ...(options.hashRoot === undefined ? {} : { root: options.hashRoot }) };
  const kvRandom = createPrng(((options.seed ?? 0) ^ 0x6b7646) >>> 0); // 'kvF': its own stream
  const bus = new MessageBus(clock, options.delays, options.kvFaults, kvRandom);
  const publish = (message: Message) => bus.publish(message);
  const pendingWork = new PendingWorkCounter();
  const failures: unknown[] = [];
  const inspect = options.inspect === undefined ? {} : { inspect: guardInspect(options.inspect, failures) };

  const engines = Array.from(
    { length: workerCount },
    (_, id) =>
      new WorkerEngine({
        id,
        pool: new BlockPool({ capacity, blockSize, uncachedFreed: options.uncachedFreed ?? 'tail' }),
        hasher: new ChainHasher(hasherOptions),
        latency,
        tokens,
        now,
        publish,
        pendingWork,
        debug: options.debug === true,
        stepsPerSegment: segmented ? Infinity : 1,
        maxRunning: limits.maxRunning,
        maxBatchedTokens: limits.maxBatchedTokens,
        ...(options.maxContextTokens === undefined ? {} : { maxContextTokens: options.maxContextTokens }),
      }),
  );
  const strategy = typeof options.strategy === 'function' ? options.strategy : createStrategy(options.strategy ?? 'cache-aware');
  // A peer's policy brings its own view; the `view` option is for the others.
  const viewSpec = strategy.view ?? { kind: options.view ?? 'events' };
  const view = new RouterView({
    workers: workerCount,
    ...viewOptions(viewSpec),
    latency,
    blockSize,
    capacity: capacity === 'unbounded' ? Infinity : capacity,
    random: createPrng(((options.seed ?? 0) ^ 0x726f7574) >>> 0), // 'rout': the router's own stream
  });
  const core = new RouterCore({ view, strategy, hasher: new ChainHasher(hasherOptions), now, publish });

  const onError = { error: (error: unknown) => failures.push(error) };
  const workers = engines.map((engine, id) =>
    createActor(workerMachine, { id: `worker-${id}`, input: { engine }, clock, ...inspect }),
  );
  const router = createActor(routerMachine, { id: 'router', input: { core }, clock, ...inspect });
  router.subscribe(onError);
  for (const worker of workers) worker.subscribe(onError);
  bus.deliveries$.subscribe((message) => {
    switch (message.type) {
      case 'REQUEST.ROUTED':
        workers[message.decision.workerId]?.send(message);
        break;
      case 'REQUEST.SUBMITTED':
      case 'REQUEST.RETRY':
      case 'WORKER.UP':
      case 'WORKER.DOWN':
        router.send(message);
        break;
      default:
        core.observe(message); // KV events and lifecycle: the view's own feed (see RouterEvent)
    }
  });
  router.start();
  for (const [id, worker] of workers.entries()) {
    worker.start();
    // Announced as the run starts, so that a subscriber of events$ sees every worker come up.
    clock.defer(() => bus.publish({ type: 'WORKER.UP', at: now(), workerId: id, capacity }), 0);
  }
  const inject = (given: WorkerFaultSpec): void => {
    const fault = validateFault(given);
    if (fault.at < now()) throw new ClusterConfigError([`at: ${fault.at} ms is in the past; the clock shows ${now()} ms`], 'fault');
    const worker = workers[fault.worker];
    if (worker === undefined) throw new ClusterConfigError([`faults: worker ${fault.worker} does not exist; workers are 0..${workerCount - 1}`]);
    const event: WorkerFault =
      fault.kind === 'kill'
        ? { type: 'WORKER.KILL', reason: `killed at ${fault.at} ms` }
        : fault.kind === 'restart'
          ? { type: 'WORKER.RESTART' }
          : { type: 'WORKER.STALL', factor: fault.factor };
    pendingFaults++;
    clock.defer(() => {
      pendingFaults--;
      worker.send(event);
    }, fault.at - now());
  };
  // Faults still to come, and requests submitted and not yet ended: a run whose requests have all
  // ended stops there, rather than waiting for a fault scheduled after the workload.
  let pendingFaults = 0;
  let open = 0;
  let stopped = false;
  bus.messages$.subscribe((m) => {
    if (m.type === 'REQUEST.COMPLETED' || m.type === 'REQUEST.REJECTED' || m.type === 'REQUEST.FAILED') open--;
  });
  checkRestarts(options.faults ?? []);
  for (const fault of options.faults ?? []) inject(fault);
  if (options.debug === true) watchConservation(bus, failures);

  // Before the router decides, the workers' decode segments catch up with the present, so the
  // KV events of steps already over are on the bus (see WorkerEngine.sync).
  const syncWorkers = segmented && view.mode === 'events';
  const ids = new Set<RequestId>();
  let nextId = 1;

  const events$ = new GuardedObservable<Message>((error) => failures.push(error), (subscriber) => bus.messages$.subscribe(subscriber));

  return {
    events$,
    workerCount,
    blockSize,
    capacity,
    now,
    actors: { router, workers },
    injectFault: inject,
    submit(input: RequestInput, when?: number): RequestId {
      if (stopped) throw new InvalidRequestError('submit after stop(): the cluster is stopped; create a new one');
      let id = input.id;
      if (id === undefined) {
        do id = `r${nextId++}`;
        while (ids.has(id)); // never an id the app chose itself
      }
      if (ids.has(id)) throw new InvalidRequestError(`request id '${id}' was already submitted; ids must be unique`);
      const t = now(); // read once: a real-time clock moves between two reads
      const at = when ?? t;
      if (!Number.isFinite(at)) throw new InvalidRequestError(`cannot submit request '${id}' at ${at} ms: the time must be a finite number of ms`);
      if (at > MAX_SUBMIT_MS) throw new InvalidRequestError(`cannot submit request '${id}' at ${at} ms: times go up to ${MAX_SUBMIT_MS} ms (~31.7 years)`);
      if (at < t) {
        throw new InvalidRequestError(`cannot submit request '${id}' at ${at} ms: the clock shows ${t} ms, and time never runs backwards`);
      }
      const { prompt } = input;
      if (prompt === '') throw new InvalidRequestError(`request '${id}': prompt: expected non-empty text or token ids`);
      // A text prompt is tokenized when it arrives (a model named in the options is loaded by
      // then), a lazy one made then; their other fields are checked now, with a stand-in prompt.
      const checked = validateRequest({ ...input, prompt: typeof prompt === 'string' || typeof prompt === 'function' ? [0] : prompt, id });
      ids.add(id);
      open++;
      clock.defer(() => {
        if (syncWorkers) {
          for (const engine of engines) if (engine.hasKvEventsDue()) engine.sync();
        }
        let request: RequestSpec = checked;
        // An empty tokenization goes through: the router rejects it with the reason.
        if (typeof prompt === 'string') request = { ...checked, prompt: tokens.encode?.call(tokens, prompt) ?? [] };
        else if (typeof prompt === 'function') {
          try {
            request = { ...checked, prompt: checkPrompt(id, prompt()) };
          } catch (error) {
            failures.push(error instanceof InvalidRequestError ? error : new InvalidRequestError(`request '${id}': its prompt function threw: ${error instanceof Error ? error.message : String(error)}`));
            return;
          }
        }
        bus.publish({ type: 'REQUEST.SUBMITTED', at: now(), request });
      }, at - t);
      return id;
    },
    async run(runOptions: RunOptions = {}): Promise<void> {
      if (runOptions.until !== undefined && Number.isNaN(runOptions.until)) throw new ClockOptionError('run({ until: NaN }): give a virtual time in ms, or leave it out to run until nothing is left');
      if (stopped) throw new ClockOptionError('run() after stop(): the cluster is stopped; create a new one');
      if (model !== undefined) await model.ready; // ModelLoadError: one line naming the model
      const until = runOptions.until ?? Infinity;
      if (clock instanceof VirtualClock) {
        // The clock jumps from instant to instant; a model computing tokens holds it where it is.
        let steps = 0;
        while (failures.length === 0) {
          if (pendingWork.size > 0) {
            await pendingWork.idle();
            continue;
          }
          // With synchronous tokens the loop never waits: let the process breathe now and then (a
          // progress bar redraws, other threads' messages are heard). Counted in steps, not host
          // time, and nothing of the cluster runs meanwhile, so the run is the same.
          if (++steps % STEPS_BETWEEN_YIELDS === 0) await yieldToHost();
          const next = clock.nextDue();
          if (next === undefined || (open === 0 && pendingFaults > 0 && clock.pending === pendingFaults)) break;
          if (next > until) {
            clock.advanceTo(until);
            break;
          }
          clock.step();
        }
      } else {
        clock.begin();
        do {
          await clock.whenIdle();
          await pendingWork.idle();
        } while ((clock.pending > 0 || pendingWork.size > 0) && failures.length === 0);
      }
      if (failures.length > 0) throw failures[0];
    },
    snapshot(): ClusterSnapshot {
      const t = now();
      return {
        now: t,
        router: { routed: core.routedCount, workers: view.loads(t) },
        workers: engines.map((engine, id) => ({
          id,
          state: JSON.stringify(workers[id]!.getSnapshot().value),
          ...engine.load(),
          usage: engine.pool.usage(),
          stats: engine.pool.stats(),
        })),
      };
    },
    stop(): void {
      stopped = true;
      for (const actor of [router, ...workers]) actor.stop();
      if (clock instanceof RealtimeClock) clock.stop();
      const before = failures.length;
      bus.close();
      if (failures.length > before) throw failures[before]; // a subscriber's complete() threw
    },
  };
}
