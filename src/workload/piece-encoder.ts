// Prompts are built from pieces (system prompt, chunks, question) that are encoded one by one
// and concatenated. Equal leading pieces therefore give equal leading tokens, whatever the
// tokenizer: a BPE merge across a piece boundary could otherwise change the prefix. It is also
// the cache that encodes each chunk once.

import type { Encode } from './request.ts';

/** Encodes a piece of text, remembering the pieces marked as reusable. */
export interface PieceEncoder {
  /** The tokens of `text`; kept for the next call when `reuse` is set. */
  encode(text: string, reuse?: boolean): readonly number[];
}

/** A piece encoder over `encode`. */
export function createPieceEncoder(encode: Encode): PieceEncoder {
  const cache = new Map<string, readonly number[]>();
  return {
    encode(text, reuse = false) {
      const hit = cache.get(text);
      if (hit !== undefined) return hit;
      const tokens = encode(text);
      if (reuse) cache.set(text, tokens);
      return tokens;
    },
  };
}

/** The concatenation of token pieces as one new array. */
export function joinPieces(pieces: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (const piece of pieces) for (const t of piece) out.push(t);
  return out;
}
