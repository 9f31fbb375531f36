// A request on a worker, as the engine, its decode-segment arithmetic and its token prefetch see
// it. Mutable by design: the engine owns it from admission to completion, and a step touches
// thousands of them.

import type { BlockHash } from '../cache/hash.ts';
import type { RequestRouted, RequestSpec } from '../messages.ts';

/** A request on this worker. Its token array doubles as the token source's view of it. */
export interface Sequence {
  readonly spec: RequestSpec;
  readonly requestId: string;
  /** The prompt, then the generated tokens, then tokens computed ahead and not yet emitted. */
  readonly tokens: number[];
  /** Hashes of the full blocks among the prompt and the generated tokens. */
  readonly hashes: BlockHash[];
  readonly promptTokens: number;
  /** Prompt + maxTokens: the token count at which it ends unless end-of-text comes first (lets a model source compute ahead). */
  readonly lastLength: number;
  generated: number;
  /** Prompt tokens (the generated ones included after a preemption) its prefill has yet to compute. */
  prefillLeft: number;
  /** Tokens emitted since the last REQUEST.TOKENS message, the time of the first, and each one's time when steps differ. */
  pending: number[];
  pendingAt: number;
  pendingStepMs: number;
  pendingTimes: number[];
}

/** What the block arithmetic reads of a sequence: the tokens it holds are prompt + generated. */
export interface HeldTokens {
  readonly promptTokens: number;
  readonly generated: number;
}

/** A new sequence for a routed request: its own copies of the prompt and its block hashes. */
export function newSequence(message: RequestRouted): Sequence {
  const { request, hashes } = message;
  return {
    spec: request,
    requestId: request.id,
    tokens: request.prompt.slice(),
    hashes: hashes.slice(),
    promptTokens: request.prompt.length,
    lastLength: request.prompt.length + request.maxTokens,
    generated: 0,
    prefillLeft: 0,
    pending: [],
    pendingAt: 0,
    pendingStepMs: 0,
    pendingTimes: [],
  };
}
