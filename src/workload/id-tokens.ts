// Token ids for the hash ids of a trace. A Mooncake trace has no tokens, only chained ids of
// 512-token blocks; replay turns each id into B blocks of 16 token ids that depend only on the
// id's exact value, so equal ids give equal blocks (and equal block hashes) and different ids
// give different ones: the trace's prefix structure survives the mapping exactly.
//
//   (hi, lo) = the id as two 32-bit halves (ids are below 2^64; parsed from the decimal string)
//   (x, y)   = a 4-round Feistel mix of (hi, lo): a bijection on 64 bits
//   tokens 0..4  = the base-50,257 digits of x·2^32 + y (the 5th digit, 0..2, spread with a PRNG)
//   tokens 5..   = a mulberry32 stream seeded from (x, y)
//
// Tokens 0..4 determine the 64-bit value, so two different ids never share a first block. Ids
// above 2^53 go through BigInt, never through Number, and stay exact.

import { DEFAULT_BLOCK_SIZE } from '../cache/hash.ts';
import { createPrng } from '../prng.ts';
import { fmix32 } from './seeds.ts';

/** Tokens per block of the simulated cache (the mapping's unit). */
export const TOKENS_PER_BLOCK = DEFAULT_BLOCK_SIZE;
/** GPT-2's vocabulary size: token ids are in [0, VOCAB_SIZE). */
export const VOCAB_SIZE = 50257;

const FEISTEL_KEYS = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344] as const;
const TOP_SPREAD = Math.floor(VOCAB_SIZE / 3); // 16,752: the 5th digit d becomes d·16,752 + r, r < 16,752

/**
 * Writes the blocksPerId × 16 token ids of one hash id (a canonical decimal string below 2^64)
 * into `out` from index `at`; returns the index after them.
 */
function writeIdTokens(id: string, blocksPerId: number, out: number[], at: number): number {
  let hi: number;
  let lo: number;
  if (id.length <= 15) {
    const n = Number(id); // exact: below 10^15 < 2^53
    hi = Math.floor(n / 4294967296);
    lo = n >>> 0;
  } else {
    const n = BigInt(id);
    hi = Number(n >> 32n);
    lo = Number(n & 0xffffffffn);
  }
  for (let round = 0; round < 4; round++) {
    const mixed = (hi ^ fmix32(lo ^ FEISTEL_KEYS[round]!)) >>> 0;
    hi = lo;
    lo = mixed;
  }
  const random = createPrng(fmix32(hi ^ fmix32(lo)));
  // Base-50,257 digits of hi·2^32 + lo, by long division over four 16-bit limbs (most significant first).
  let a = hi >>> 16;
  let b = hi & 0xffff;
  let c = lo >>> 16;
  let d = lo & 0xffff;
  for (let digit = 0; digit < 4; digit++) {
    let cur = a;
    a = Math.floor(cur / VOCAB_SIZE);
    cur = (cur - a * VOCAB_SIZE) * 65536 + b;
    b = Math.floor(cur / VOCAB_SIZE);
    cur = (cur - b * VOCAB_SIZE) * 65536 + c;
    c = Math.floor(cur / VOCAB_SIZE);
    cur = (cur - c * VOCAB_SIZE) * 65536 + d;
    d = Math.floor(cur / VOCAB_SIZE);
    out[at++] = cur - d * VOCAB_SIZE;
  }
  // What is left is 0, 1 or 2 (2^64 / 50,257^4 < 3), in d.
  out[at++] = d * TOP_SPREAD + Math.floor(random() * TOP_SPREAD);
  const end = at - 5 + blocksPerId * TOKENS_PER_BLOCK;
  while (at < end) out[at++] = Math.floor(random() * VOCAB_SIZE);
  return at;
}

/** The blocksPerId × 16 token ids of one hash id. */
export function idTokens(id: string, blocksPerId = 1): number[] {
  return promptOfIds([id], blocksPerId);
}

/** The prompt of a trace line: its hash ids' tokens one after another (len(ids) × blocksPerId × 16 tokens). */
export function promptOfIds(ids: readonly string[], blocksPerId: number): number[] {
  // Sized and filled once: a prompt is made per request, and growing it by push cost a third more time.
  const prompt = new Array<number>(ids.length * blocksPerId * TOKENS_PER_BLOCK).fill(0);
  let at = 0;
  for (const id of ids) at = writeIdTokens(id, blocksPerId, prompt, at);
  return prompt;
}
