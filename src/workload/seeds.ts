// Independent random streams from one seed. Each part of a workload (corpus, popularity,
// questions, arrivals, lengths) draws from its own stream, so changing how much one part draws
// (say, the number of requests) never changes what another part makes (the corpus).

import { createPrng } from '../prng.ts';

/** Murmur3's 32-bit finalizer: a bijection on 32-bit integers that scatters nearby inputs. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The 32-bit seed of the stream named `label` under `seed` (any safe integer). */
export function deriveSeed(seed: number, label: string): number {
  let h = fmix32((seed >>> 0) ^ fmix32(Math.floor(seed / 4294967296) ^ 0x9e3779b9));
  for (let i = 0; i < label.length; i++) h = fmix32(Math.imul(h ^ label.charCodeAt(i), 0x01000193));
  return h;
}

/** A PRNG (uniform floats in [0, 1)) for the stream named `label` under `seed`. */
export function streamPrng(seed: number, label: string): () => number {
  return createPrng(deriveSeed(seed, label));
}
