// A live per-worker cache hit rate, computed with RxJS operators from the cluster's message stream.
// Each REQUEST.ADMITTED says how many leading prompt blocks a worker found in its KV cache
// (cachedBlocks) and how many it had to compute (computedBlocks); the hit rate of a worker is
//   Σ cachedBlocks / Σ (cachedBlocks + computedBlocks)   over its admissions so far.
// The workload is multi-turn chat: each turn's prompt is the whole conversation so far, so a
// session's next turn hits if it is routed where its history is cached.
//
//   npx tsx examples/live-hit-rate.ts
//
// NOTE: RxJS time operators (auditTime, debounceTime, bufferTime, ...) run on the host's clock,
// not on the cluster's virtual clock, which jumps ahead thousands of times faster. Window by count
// (bufferCount, as here) or by the virtual time `at` that every message carries, never by host time.

import { pathToFileURL } from 'node:url';
import { bufferCount, filter, lastValueFrom, scan, tap } from 'rxjs';
import { createCluster, type Message, type RequestAdmitted, type StrategyName } from 'stateful-cache-router';
import { gpt2Tokenizer } from 'stateful-cache-router/model';
import { chatSessions, feedDriver } from 'stateful-cache-router/workload';

/** Running totals of one worker's admissions. */
export interface WorkerHits {
  readonly admissions: number;
  readonly cachedBlocks: number;
  readonly computedBlocks: number;
}

/** The totals so far, per worker, and the latest window of admissions. */
export interface LiveHits {
  readonly admissions: number;
  /** Virtual time (ms) of the latest admission counted. */
  readonly at: number;
  readonly workers: readonly WorkerHits[];
  /** Block hit rate over the latest window alone (all workers). */
  readonly windowRate: number;
}

/** cached / (cached + computed), 0 when nothing was queried. */
export const hitRate = (h: WorkerHits): number => (h.cachedBlocks + h.computedBlocks === 0 ? 0 : h.cachedBlocks / (h.cachedBlocks + h.computedBlocks));

const isAdmitted = (m: Message): m is RequestAdmitted => m.type === 'REQUEST.ADMITTED';

/** Adds a window of admissions to the totals (a new object: scan's state is never mutated). */
function addWindow(totals: LiveHits, window: readonly RequestAdmitted[]): LiveHits {
  const workers = totals.workers.map((w) => ({ ...w }));
  let cached = 0;
  let queried = 0;
  for (const m of window) {
    const w = workers[m.workerId]!;
    w.admissions++;
    w.cachedBlocks += m.cachedBlocks;
    w.computedBlocks += m.computedBlocks;
    cached += m.cachedBlocks;
    queried += m.cachedBlocks + m.computedBlocks;
  }
  return {
    admissions: totals.admissions + window.length,
    at: window.at(-1)?.at ?? totals.at,
    workers,
    windowRate: queried === 0 ? 0 : cached / queried,
  };
}

const percent = (x: number): string => `${(x * 100).toFixed(1).padStart(5)} %`;

export interface LiveHitRateOptions {
  readonly workers?: number;
  readonly sessions?: number;
  readonly turns?: number;
  /** Print (and emit) the rates every this many admissions. */
  readonly every?: number;
  readonly strategy?: StrategyName;
  readonly log?: boolean;
}

export interface LiveHitRateResult {
  /** The final hit rate of each worker, indexed by worker id. */
  readonly rates: readonly number[];
  /** The final totals. */
  readonly totals: LiveHits;
  /** Every message of the run, in publication order (to check the rates against). */
  readonly messages: readonly Message[];
}

export async function main(options: LiveHitRateOptions = {}): Promise<LiveHitRateResult> {
  const { workers = 4, sessions = 48, turns = 4, every = 24, strategy = 'cache-aware', log = true } = options;
  const cluster = createCluster({ workers, strategy, seed: 3 });
  const messages: Message[] = [];
  cluster.events$.subscribe((m) => messages.push(m));

  const empty: LiveHits = { admissions: 0, at: 0, workers: Array.from({ length: workers }, () => ({ admissions: 0, cachedBlocks: 0, computedBlocks: 0 })), windowRate: 0 };
  const live$ = cluster.events$.pipe(
    filter(isAdmitted),
    bufferCount(every), // a window of `every` admissions; the last, shorter one comes when events$ completes
    scan(addWindow, empty), // running totals per worker
    tap((t) => {
      if (!log) return;
      const perWorker = t.workers.map((w, id) => `w${id} ${w.admissions === 0 ? '    —  ' : percent(hitRate(w))}`).join('  ');
      console.log(`${String(t.admissions).padStart(4)} admissions, t = ${(t.at / 1000).toFixed(2).padStart(6)} s: ${perWorker}   (last window ${percent(t.windowRate)})`);
    }),
  );
  // events$ completes at cluster.stop(); the last totals are the final ones.
  const final = lastValueFrom(live$, { defaultValue: empty });

  // Chat sessions are a closed loop: a session's next turn is sent a think time after its reply.
  const driver = chatSessions({ seed: 3, sessions, turns, encode: gpt2Tokenizer().encode, sessionRate: 50, outputTokens: 48 });
  cluster.events$.subscribe((m) => feedDriver(driver, m));
  driver.start(cluster);
  await cluster.run(); // virtual time, until every session has ended
  cluster.stop(); // completes events$: the last window is counted and `final` resolves

  const totals = await final;
  return { rates: totals.workers.map(hitRate), totals, messages };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
