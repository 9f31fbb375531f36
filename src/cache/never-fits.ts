// The "can never fit" rule (DESIGN §3.4): a request that no worker of this size could ever run is
// rejected when it arrives, with the numbers in its reason, instead of waiting in a queue forever.
//   1. prompt + max tokens over the context limit → 'context-limit';
//   2. the prompt's blocks + 1 (room for its first generated token) over the capacity → 'too-large';
//   3. the blocks of prompt + max tokens over the capacity → 'too-large' (it could never finish).
// Every request that passes can be admitted into an empty cache and grow to its last token, so the
// block pool's own check (SequenceTooLargeError, a caller's mistake) never fires for it.

/** The limits a request is checked against: one worker's cache and its context window. */
export interface FitLimits {
  /** Blocks of the worker's cache, or 'unbounded'. */
  readonly capacity: number | 'unbounded';
  /** Tokens per block. */
  readonly blockSize: number;
  /** Most tokens (prompt + output) of one request; Infinity for no limit. */
  readonly maxContextTokens: number;
}

/** Why a request can never run, with the numbers. */
export interface NeverFits {
  readonly code: 'too-large' | 'context-limit';
  readonly reason: string;
}

/** Why a request of `promptTokens` prompt tokens and up to `maxTokens` output tokens can never run within `limits`, or null if it can. */
export function neverFits(promptTokens: number, maxTokens: number, limits: FitLimits): NeverFits | null {
  const { capacity, blockSize, maxContextTokens } = limits;
  const total = promptTokens + maxTokens;
  if (total > maxContextTokens) {
    return {
      code: 'context-limit',
      reason: `prompt ${promptTokens} + max tokens ${maxTokens} = ${total} tokens exceed the context limit of ${maxContextTokens}`,
    };
  }
  if (capacity === 'unbounded') return null;
  const promptBlocks = Math.ceil(promptTokens / blockSize);
  if (promptBlocks + 1 > capacity) {
    return { code: 'too-large', reason: `prompt needs ${promptBlocks} blocks + 1 to grow; a worker has ${capacity}` };
  }
  const totalBlocks = Math.ceil(total / blockSize);
  if (totalBlocks > capacity) {
    return { code: 'too-large', reason: `prompt ${promptTokens} + max tokens ${maxTokens} need ${totalBlocks} blocks; a worker has ${capacity}` };
  }
  return null;
}
