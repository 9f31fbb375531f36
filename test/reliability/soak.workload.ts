// The soak workload: many short requests over shared prefixes, with random kills, restarts and
// KV event faults, all from one seed. Shared by the soak test and the soak bench. Each prompt is
// made when its request arrives (its own tokens from its own stream), so that what the soak
// holds is what the cluster holds, not 100,000 prompts built up front.

import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import type { WorkerFaultSpec } from '../../src/actors/faults.ts';
import { createPrng } from '../../src/prng.ts';
import { streamPrng } from '../../src/workload/seeds.ts';

export interface Soak {
  readonly options: ClusterOptions;
  readonly requests: { id: string; at: number; prompt: () => number[]; maxTokens: number }[];
  readonly kills: number;
}

/** `count` requests at `rate` per second over `workers` workers, a kill and restart every ~`killEveryMs`. */
export function soakWorkload(count: number, workers: number, seed = 1, rate = 200, killEveryMs = 40_000): Soak {
  const rand = createPrng(seed);
  const token = () => Math.floor(rand() * 50_000);
  const prefixes = Array.from({ length: 60 }, () => Array.from({ length: 16 * (2 + Math.floor(rand() * 6)) }, token));
  let at = 0;
  const requests = Array.from({ length: count }, (_, i) => {
    at += (-Math.log(1 - rand()) / rate) * 1000;
    const prefix = prefixes[Math.floor(prefixes.length * rand() ** 2)]!;
    const own = 8 + Math.floor(rand() * 48);
    const prompt = () => {
      const tokens = streamPrng(seed, `s${i}`);
      return [...prefix, ...Array.from({ length: own }, () => Math.floor(tokens() * 50_000))];
    };
    return { id: `s${i}`, at, prompt, maxTokens: 4 + Math.floor(rand() * 20) };
  });
  const faults: WorkerFaultSpec[] = [];
  for (let t = killEveryMs * rand(); t < at; t += killEveryMs * (0.5 + rand())) {
    const worker = Math.floor(rand() * workers);
    faults.push({ kind: 'kill', worker, at: t }, { kind: 'restart', worker, at: t + 5_000 + 20_000 * rand() });
  }
  return {
    options: { workers, capacity: 200, seed, faults, kvFaults: { drop: 0.05, duplicate: 0.05, reorderMs: 30 }, debug: true },
    requests,
    kills: faults.length / 2,
  };
}
