// A seeded token source without a model, for very large runs: token i of a sequence is a hash of
// (seed, request id, position), so it depends on nothing else and costs a few nanoseconds.

import type { RequestId } from '../messages.ts';
import { ModelError } from './errors.ts';
import type { SequenceTokens, TokenSource } from './token-source.ts';

export interface DummyTokenOptions {
  readonly seed?: number;
  /** Tokens are drawn from [0, vocabSize); GPT-2's vocabulary by default. */
  readonly vocabSize?: number;
  /** End-of-text id (GPT-2's 50256); drawn only with `eosProbability`. */
  readonly eosTokenId?: number;
  /** Chance that a token is end-of-text; 0 by default, so sequences run to their maximum. */
  readonly eosProbability?: number;
}

/** 32-bit FNV-1a of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A 32-bit integer mix (the finaliser of MurmurHash3). */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A token source of seeded pseudo-random tokens. */
export function createDummyTokenSource(options: DummyTokenOptions = {}): TokenSource {
  const seed = (options.seed ?? 0) >>> 0;
  const vocabSize = options.vocabSize ?? 50257;
  const eosTokenId = options.eosTokenId ?? 50256;
  const eosProbability = options.eosProbability ?? 0;
  if (!(eosProbability >= 0 && eosProbability <= 1)) {
    throw new ModelError(`eosProbability is ${eosProbability}; it must be in [0, 1]`);
  }
  if (!Number.isInteger(vocabSize) || vocabSize < 2) throw new ModelError(`vocabSize is ${vocabSize}; it must be an integer ≥ 2`);
  const eosThreshold = Math.floor(eosProbability * 2 ** 32);
  const idHash = new Map<RequestId, number>();

  const tokenAt = (requestId: RequestId, position: number): number => {
    let h = idHash.get(requestId);
    if (h === undefined) {
      h = mix(fnv1a(requestId) ^ seed);
      idHash.set(requestId, h);
    }
    const r = mix(h ^ Math.imul(position + 1, 0x9e3779b1));
    if (r < eosThreshold) return eosTokenId;
    const token = mix(r) % (vocabSize - 1);
    return token >= eosTokenId ? token + 1 : token; // never end-of-text by chance
  };

  return {
    name: 'dummy',
    eosTokenId: eosProbability > 0 ? eosTokenId : null,
    next: (batch: readonly SequenceTokens[]) => {
      const out = new Array<number>(batch.length);
      for (let i = 0; i < batch.length; i++) out[i] = tokenAt(batch[i]!.requestId, batch[i]!.tokens.length);
      return out;
    },
    release: (requestId: RequestId) => {
      idHash.delete(requestId);
    },
  };
}
