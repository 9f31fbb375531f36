// Where decode tokens come from (DESIGN §3.8). A worker asks for one next token for every running
// sequence of a decode step; how the source makes them (a model, a seeded PRNG) is its own affair.
// Tokens never change virtual time: only the latency model does. A model answers asynchronously;
// virtual time stands still while it computes.

import type { RequestId } from '../messages.ts';

/** A running sequence as a token source sees it. */
export interface SequenceTokens {
  readonly requestId: RequestId;
  /** The prompt followed by every token generated so far. */
  readonly tokens: readonly number[];
  /**
   * The token count at which the sequence ends unless end-of-text comes first (prompt + most
   * tokens to generate), when known. A source may compute its tokens ahead up to there, in
   * forwards it runs anyway, and answer later calls from them; it never computes past it.
   */
  readonly lastLength?: number;
}

export interface TokenSource {
  /** Shown in results and errors, e.g. 'dummy', 'tiny-gpt2' or 'Xenova/gpt2'. */
  readonly name: string;
  /** The end-of-text token, or null if the source never ends a sequence by itself. */
  readonly eosTokenId: number | null;
  /**
   * The next token of each sequence, in order. A sequence's tokens must depend on that sequence
   * alone, never on the rest of the batch, so that batching and step grouping change nothing.
   */
  next(batch: readonly SequenceTokens[]): readonly number[] | Promise<readonly number[]>;
  /**
   * A sequence queued on a worker, that will ask for tokens later: a source may prefill it now and
   * compute its tokens ahead with others'. A hint only; the source copies what it keeps.
   */
  expect?(sequence: SequenceTokens): void;
  /** The sequence ended or was preempted: state kept for it may go. */
  release?(requestId: RequestId): void;
  /** Text to token ids, with the source's tokenizer (absent for sources without one). */
  encode?(text: string): number[];
  /** Token ids to text. */
  decode?(tokens: readonly number[]): string;
}
