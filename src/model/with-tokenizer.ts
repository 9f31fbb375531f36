// Text for sources without a tokenizer of their own (the dummy): GPT-2's tokenizer from the
// gpt-3-encoder package, loaded on first use, synchronous and free of native code.
// NOTE: gpt-3-encoder reads '<|endoftext|>' in text as plain characters (7 tokens), where
// transformers.js' tokenizer gives the one special token 50256; every other text encodes the same.

import { createRequire } from 'node:module';
import type { TokenSource } from './token-source.ts';

export interface TextTokenizer {
  encode(text: string): number[];
  decode(tokens: readonly number[]): string;
}

let gpt2: TextTokenizer | undefined;

/** GPT-2's byte-level BPE (the first use loads its 1 MB vocabulary and merges, ~0.2 s). */
export function gpt2Tokenizer(): TextTokenizer {
  if (gpt2 === undefined) {
    const encoder = createRequire(import.meta.url)('gpt-3-encoder') as {
      encode(text: string): number[];
      decode(tokens: number[]): string;
    };
    gpt2 = { encode: (text) => encoder.encode(text), decode: (tokens) => encoder.decode([...tokens]) };
  }
  return gpt2;
}

/** `source` with `encode`/`decode` from `tokenizer`; `next` answers as the source does (synchronously for the dummy). */
export function withTokenizer(
  source: TokenSource,
  tokenizer: TextTokenizer | (() => TextTokenizer) = gpt2Tokenizer,
): TokenSource & TextTokenizer {
  const get = typeof tokenizer === 'function' ? tokenizer : () => tokenizer;
  const release = source.release?.bind(source);
  return {
    name: source.name,
    eosTokenId: source.eosTokenId,
    next: (batch) => source.next(batch),
    ...(release === undefined ? {} : { release }),
    encode: (text) => get().encode(text),
    decode: (tokens) => get().decode(tokens),
  };
}
