// Small factories for cluster tests: a seeded workload with shared prefixes, and helpers that
// read a run's messages per request.

import { createCluster, type Cluster } from '../../src/actors/cluster.ts';
import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import { tokenAt, type Message, type MessageOf } from '../../src/messages.ts';
import { createDummyTokenSource } from '../../src/model/dummy.ts';
import { createPrng } from '../../src/prng.ts';

export interface Submission {
  readonly id: string;
  readonly at: number;
  readonly prompt: number[];
  readonly maxTokens: number;
}

/** A prompt of `n` tokens; equal seeds give equal prompts. */
export const prompt = (n: number, seed = 0): number[] => Array.from({ length: n }, (_, i) => (i * 7919 + seed * 104729 + 13) % 50257);

/** `count` requests: a few shared prefixes, private suffixes, Poisson arrivals at `rate` per second. */
export function sharedPrefixWorkload(count: number, seed: number, rate = 20): Submission[] {
  const rand = createPrng(seed);
  const prefixes = [0, 1, 2].map((p) => prompt(16 * (2 + p * 2), 100 + p));
  let at = 0;
  return Array.from({ length: count }, (_, i) => {
    at += (-Math.log(1 - rand()) / rate) * 1000;
    const prefix = prefixes[Math.floor(rand() * prefixes.length)]!;
    const suffix = Array.from({ length: 5 + Math.floor(rand() * 40) }, () => Math.floor(rand() * 50000));
    return { id: `q${i}`, at: Math.round(at * 2) / 2, prompt: [...prefix, ...suffix], maxTokens: 5 + Math.floor(rand() * 60) };
  });
}

/**
 * Adds to every `every`-th request a follow-up turn that starts with the request's prompt and
 * its first `reuse` generated tokens (as the seeded dummy source makes them), submitted while the
 * first is still decoding: the follow-up can hit blocks the first generated, so routing depends
 * on KV events from inside decode segments.
 */
export function withFollowUps(submissions: readonly Submission[], seed: number, every = 4, reuse = 40): Submission[] {
  const source = createDummyTokenSource({ seed });
  const out = [...submissions];
  submissions.forEach((s, i) => {
    if (i % every !== 0 || s.maxTokens <= reuse) return;
    const tokens = [...s.prompt];
    for (let j = 0; j < reuse; j++) tokens.push((source.next([{ requestId: s.id, tokens }]) as readonly number[])[0]!);
    out.push({ id: `${s.id}-next`, at: s.at + 30 + 15 * (reuse + 3), prompt: [...tokens, ...prompt(20, i)], maxTokens: 10 });
  });
  return out.sort((a, b) => a.at - b.at);
}

/** Runs `submissions` on a fresh cluster and returns every message in order. */
export async function runCluster(options: ClusterOptions, submissions: readonly Submission[]): Promise<{ cluster: Cluster; messages: Message[] }> {
  const cluster = createCluster(options);
  const messages: Message[] = [];
  cluster.events$.subscribe((m) => messages.push(m));
  for (const s of submissions) cluster.submit({ id: s.id, prompt: s.prompt, maxTokens: s.maxTokens }, s.at);
  await cluster.run();
  return { cluster, messages };
}

export const ofType = <T extends Message['type']>(messages: readonly Message[], type: T): MessageOf<T>[] =>
  messages.filter((m): m is MessageOf<T> => m.type === type);

/** Per request: its worker, admissions, completion, and every token with its own time. */
export function perRequest(messages: readonly Message[]) {
  const out = new Map<string, { worker?: number; predicted?: number; cached: number[]; admitted: number[]; completed?: number; tokens: [number, number][] }>();
  const get = (id: string) => {
    let r = out.get(id);
    if (r === undefined) out.set(id, (r = { cached: [], admitted: [], tokens: [] }));
    return r;
  };
  for (const m of messages) {
    if (m.type === 'REQUEST.ROUTED') Object.assign(get(m.request.id), { worker: m.decision.workerId, predicted: m.decision.predictedBlocks });
    else if (m.type === 'REQUEST.ADMITTED') {
      get(m.requestId).admitted.push(m.at);
      get(m.requestId).cached.push(m.cachedBlocks);
    }
    else if (m.type === 'REQUEST.COMPLETED') get(m.requestId).completed = m.at;
    else if (m.type === 'REQUEST.TOKENS') m.tokens.forEach((t, i) => get(m.requestId).tokens.push([t, tokenAt(m, i)]));
  }
  return Object.fromEntries([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Every KV event flattened to (time, worker, kind, hash), sorted so that publication order does not matter. */
export function kvEvents(messages: readonly Message[]): string[] {
  const out: string[] = [];
  for (const m of messages) {
    if (m.type === 'KV.STORED' || m.type === 'KV.REMOVED') for (const h of m.hashes) out.push(`${m.at}|${m.workerId}|${m.type}|${h}`);
  }
  return out.sort();
}
