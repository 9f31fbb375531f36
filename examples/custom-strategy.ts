// A routing strategy of your own, in a few lines: "the longest cached prefix, but never a worker
// with more than 2 × the mean in flight". A strategy is a pure function of the request (its block
// hashes) and the router's view (each worker's load, and how many leading blocks of this request
// it believes each worker holds); it returns a worker, the rule that decided, and why.
//
// It is run against 'round-robin' on the same workload: 8 system prompts shared by 96 requests,
// on 4 workers whose caches hold only about 4 of the 8 prompts each, so where a request goes
// decides whether its prompt is still cached.
//
//   npx tsx examples/custom-strategy.ts

import { pathToFileURL } from 'node:url';
import {
  MetricsRecorder,
  NoWorkerAliveError,
  createCluster,
  summarize,
  type Message,
  type RunSummary,
  type Strategy,
  type StrategyName,
} from 'stateful-cache-router';
import { gpt2Tokenizer } from 'stateful-cache-router/model';
import { openLoop, sharedPrefixWorkload, type WorkloadRequest } from 'stateful-cache-router/workload';

/** The longest cached prefix among workers with at most `factor` × the mean requests in flight. */
export function boundedPrefix(factor = 2): Strategy {
  if (!(factor >= 1 && Number.isFinite(factor))) throw new RangeError(`factor ${factor}: expected a finite number ≥ 1`);
  return (request, { workers, matched }) => {
    const alive = workers.filter((w) => w.alive);
    if (alive.length === 0) throw new NoWorkerAliveError(workers.length); // the router rejects the request
    const cap = (factor * alive.reduce((sum, w) => sum + w.inFlight, 0)) / alive.length;
    // The least loaded worker has at most the mean in flight, so (factor ≥ 1) someone is always eligible.
    const eligible = alive.filter((w) => w.inFlight <= cap);
    const best = eligible.reduce((a, b) => {
      const byMatch = (matched[b.id] ?? 0) - (matched[a.id] ?? 0);
      return byMatch > 0 || (byMatch === 0 && b.inFlight < a.inFlight) ? b : a; // ties: fewer in flight, then lower id
    });
    const hit = matched[best.id] ?? 0;
    return {
      workerId: best.id,
      rule: hit > 0 ? 'bounded-prefix' : 'bounded-least-loaded',
      reason: `matched ${hit}/${request.hashes.length} blocks on worker ${best.id}, ${best.inFlight} in flight ≤ ${cap.toFixed(2)}; ${alive.length - eligible.length} over the bound`,
    };
  };
}

export interface StrategyRun {
  readonly summary: RunSummary;
  /** Every message of the run, in the order the bus published them. */
  readonly messages: readonly Message[];
}

/** Runs `requests` on a fresh virtual-time cluster routed by `strategy`. */
export async function runWith(strategy: StrategyName | Strategy, requests: readonly WorkloadRequest[], workers: number, capacity: number): Promise<StrategyRun> {
  const cluster = createCluster({ workers, capacity, strategy, seed: 1 });
  const recorder = new MetricsRecorder();
  const messages: Message[] = [];
  recorder.attach(cluster.events$);
  cluster.events$.subscribe((m) => messages.push(m));
  openLoop(requests).start(cluster); // every request at its arrival time; completions change nothing
  await cluster.run(); // virtual time: as fast as the host goes
  cluster.stop();
  return { summary: summarize(recorder, { workers: Array.from({ length: workers }, (_, i) => i) }), messages };
}

export interface CustomStrategyOptions {
  readonly workers?: number;
  /** System prompts; each is shared by `promptsPerGroup` requests. */
  readonly groups?: number;
  readonly promptsPerGroup?: number;
  /** Blocks of KV cache per worker (small, so that not every prompt fits everywhere). */
  readonly capacity?: number;
  /** Arrivals per second (Poisson). */
  readonly rate?: number;
  readonly log?: boolean;
}

export interface CustomStrategyResult {
  readonly custom: StrategyRun;
  readonly roundRobin: StrategyRun;
}

/** The example's workload: `groups` system prompts of ~40 blocks (16 tokens each), short questions, 64 output tokens. */
export function workload(groups: number, promptsPerGroup: number, rate: number): WorkloadRequest[] {
  return sharedPrefixWorkload({
    seed: 7,
    groups,
    promptsPerGroup,
    encode: gpt2Tokenizer().encode,
    systemPromptWords: 480,
    questionWords: 24,
    outputTokens: 64,
    rate,
  });
}

/** Decisions in which the bound excluded at least one worker (read from the strategy's reasons). */
const decisionsBounded = (messages: readonly Message[]): number =>
  messages.filter((m) => m.type === 'REQUEST.ROUTED' && !m.decision.reason.endsWith('; 0 over the bound')).length;

export async function main(options: CustomStrategyOptions = {}): Promise<CustomStrategyResult> {
  const { workers = 4, groups = 8, promptsPerGroup = 12, capacity = 200, rate = 40, log = true } = options;
  const requests = workload(groups, promptsPerGroup, rate);
  const custom = await runWith(boundedPrefix(2), requests, workers, capacity);
  const roundRobin = await runWith('round-robin', requests, workers, capacity);
  if (log) {
    console.log(`${requests.length} requests, ${groups} shared system prompts, ${workers} workers of ${capacity} blocks`);
    console.log(`the bound excluded a worker in ${decisionsBounded(custom.messages)} of ${requests.length} decisions`);
    for (const [name, { summary }] of [['bounded-prefix (2 × mean)', custom], ['round-robin', roundRobin]] as const) {
      console.log(
        `${name.padEnd(26)} hit rate ${(summary.cache.hitRate * 100).toFixed(1).padStart(5)} %   ` +
          `imbalance ${summary.loadImbalance.toFixed(2)}   ttft p50 ${summary.latency.ttft.p50.toFixed(1)} ms   ` +
          `requests per worker ${summary.workers.map((w) => w.requests).join('/')}`,
      );
    }
  }
  return { custom, roundRobin };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
