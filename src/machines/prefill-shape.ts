// The prefill step being built, as the latency model prices it, and what one chunk of a
// sequence's prefill adds to it. A chunk's blocks are counted as DESIGN §3.4 counts a prompt's
// (ceil(tokens / block size) − cached leading blocks), spread over the chunks that fill them.

/** A prefill step's figures, as the latency model's `Step` reads them; mutable while the step is built. */
export interface PrefillShape {
  prefillTokens: number;
  prefillBlocks: number;
  sequences: number;
  readonly contextLengths: number[];
  attendedTokens: number;
  attentionPairs: number;
}

/** A shape with nothing in it. */
export function emptyPrefillShape(): PrefillShape {
  return { prefillTokens: 0, prefillBlocks: 0, sequences: 0, contextLengths: [], attendedTokens: 0, attentionPairs: 0 };
}

/** Empties `shape` for the next step (its arrays kept). */
export function clearPrefillShape(shape: PrefillShape): void {
  shape.prefillTokens = shape.prefillBlocks = shape.sequences = shape.attendedTokens = shape.attentionPairs = 0;
  shape.contextLengths.length = 0;
}

/** Adds a chunk of `chunk` tokens computed after `before` tokens already there (cached, or computed by earlier chunks). */
export function addChunk(shape: PrefillShape, before: number, chunk: number, blockSize: number): void {
  shape.prefillTokens += chunk;
  shape.prefillBlocks += Math.ceil((before + chunk) / blockSize) - Math.ceil(before / blockSize);
  shape.sequences++;
  shape.contextLengths.push(before + chunk);
  shape.attendedTokens += before + chunk;
  shape.attentionPairs += chunk * before + (chunk * (chunk + 1)) / 2;
}
