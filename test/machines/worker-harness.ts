// A worker machine alone on a virtual clock: requests go in as REQUEST.ROUTED events at given
// times, every emitted message is collected.

import { createActor } from 'xstate';
import { BlockPool } from '../../src/cache/block-pool.ts';
import { ChainHasher } from '../../src/cache/hash.ts';
import { latencyModel, type LatencyModel } from '../../src/latency-model.ts';
import { tokenAt, type Message, type MessageOf, type RequestRouted, type RequestSpec } from '../../src/messages.ts';
import { createDummyTokenSource } from '../../src/model/dummy.ts';
import type { TokenSource } from '../../src/model/token-source.ts';
import { VirtualClock } from '../../src/actors/virtual-clock.ts';
import { WorkerEngine } from '../../src/machines/worker-engine.ts';
import { workerMachine } from '../../src/machines/worker.machine.ts';

export interface HarnessOptions {
  readonly capacity?: number | 'unbounded';
  readonly stepsPerSegment?: number;
  readonly tokens?: TokenSource;
  readonly maxRunning?: number;
  readonly maxBatchedTokens?: number;
  readonly latency?: LatencyModel;
  readonly maxContextTokens?: number;
}

export const hasher = new ChainHasher();

/** A prompt of `n` tokens; equal `seed`s give equal prompts. */
export const prompt = (n: number, seed = 0): number[] => Array.from({ length: n }, (_, i) => (i * 7919 + seed * 104729 + 13) % 50257);

export const request = (id: string, promptTokens: number | number[], maxTokens: number, extra: Partial<RequestSpec> = {}): RequestSpec => ({
  id,
  prompt: typeof promptTokens === 'number' ? prompt(promptTokens) : promptTokens,
  maxTokens,
  ...extra,
});

export function makeWorker(options: HarnessOptions = {}) {
  const clock = new VirtualClock();
  const messages: Message[] = [];
  const pool = new BlockPool({ capacity: options.capacity ?? 924 });
  const engine = new WorkerEngine({
    id: 0,
    pool,
    hasher,
    latency: options.latency ?? latencyModel(),
    tokens: options.tokens ?? createDummyTokenSource({ seed: 1 }),
    now: () => clock.now(),
    publish: (m) => messages.push(m),
    stepsPerSegment: options.stepsPerSegment ?? Infinity,
    ...(options.maxRunning === undefined ? {} : { maxRunning: options.maxRunning }),
    ...(options.maxBatchedTokens === undefined ? {} : { maxBatchedTokens: options.maxBatchedTokens }),
    ...(options.maxContextTokens === undefined ? {} : { maxContextTokens: options.maxContextTokens }),
  });
  const actor = createActor(workerMachine, { input: { engine }, clock });
  actor.subscribe({ error: (err) => { throw err; } });
  actor.start();

  const send = (spec: RequestSpec, at = 0) => {
    const routed: RequestRouted = {
      type: 'REQUEST.ROUTED',
      at,
      request: spec,
      hashes: hasher.hashBlocks(spec.prompt, spec),
      decision: { workerId: 0, rule: 'test', reason: 'test', predictedBlocks: 0 },
    };
    clock.defer(() => actor.send(routed), at - clock.now());
  };
  const of = <T extends Message['type']>(type: T, id?: string): MessageOf<T>[] =>
    messages.filter((m): m is MessageOf<T> => m.type === type && (id === undefined || ('requestId' in m && m.requestId === id)));
  const completedAt = (id: string): number | undefined => of('REQUEST.COMPLETED', id)[0]?.at;
  /** Every token of a request with its virtual time, flattened from REQUEST.TOKENS messages. */
  const tokensOf = (id: string): [number, number][] =>
    of('REQUEST.TOKENS', id).flatMap((m) => m.tokens.map((t, i): [number, number] => [t, tokenAt(m, i)]));
  const run = () => clock.runUntilIdle({ maxSteps: 10_000_000 });
  return { clock, pool, engine, actor, messages, send, of, completedAt, tokensOf, run };
}
