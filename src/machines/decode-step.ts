// The end of one decode step (DESIGN §3.4), in three phases:
//   1. a slot for every running sequence's token: a sequence whose last block is full takes a new
//      one; with none free, the most recently admitted sequence is preempted, again and again,
//      down to the sequence itself;
//   2. every remaining sequence gets its token (computed ahead: token-prefetch.ts); a token that
//      fills a block hashes that block and registers it;
//   3. the sequences at their last token (maximum tokens, or end-of-text) complete, in admission
//      order.
// The pool's KV events are published after phases 1 and 2, stamped with the step's end.

import type { BlockPool } from '../cache/block-pool.ts';
import type { ChainHasher } from '../cache/hash.ts';
import type { RequestCompleted } from '../messages.ts';
import type { Sequence } from './sequence.ts';

/** How a request ended on its worker: its maximum tokens, or end-of-text. */
export type Finish = RequestCompleted['finish'];

/** What a decode step needs of its worker: the batch, the cache, and what the worker does when a sequence leaves the batch. */
export interface DecodeStepWorker {
  /** The running sequences in admission order; the step removes those that are preempted or complete. */
  readonly running: Sequence[];
  readonly pool: BlockPool;
  readonly hasher: ChainHasher;
  /** The token source's end-of-text token, or null. */
  readonly eosTokenId: number | null;
  /** Sends `seq` back to the front of the queue, its blocks released. */
  preempt(seq: Sequence, at: number): void;
  /** Ends `seq`: releases its blocks and announces its completion. */
  complete(seq: Sequence, at: number, finish: Finish): void;
  /** Publishes the pool's KV events, stamped `at`. */
  publishKv(at: number): void;
}

/** The end of one decode step at virtual time `at`, the step having lasted `stepMs`; `tabled`: each token keeps its own time. */
export function endDecodeStep(worker: DecodeStepWorker, at: number, stepMs: number, tabled: boolean): void {
  const { running, pool } = worker;
  const bs = pool.blockSize;
  // 1. A slot for every sequence's token; on a shortage the most recently admitted goes back.
  for (let i = 0; i < running.length; i++) {
    const seq = running[i] as Sequence;
    const n = seq.promptTokens + seq.generated;
    if (n % bs !== 0) continue; // its last block has room for the token
    while (!pool.extend(seq.requestId, n + 1, seq.hashes)) {
      const victim = running.pop() as Sequence;
      worker.preempt(victim, at);
      if (victim === seq) break;
    }
  }
  worker.publishKv(at);
  // 2. Every remaining sequence gets its token; full blocks are hashed and registered.
  const eos = worker.eosTokenId;
  let finished = 0;
  for (const seq of running) {
    const n = seq.promptTokens + seq.generated;
    const token = seq.tokens[n] as number;
    seq.generated++;
    if (seq.pending.length === 0) {
      seq.pendingAt = at;
      seq.pendingStepMs = stepMs;
    }
    seq.pending.push(token);
    if (tabled) seq.pendingTimes.push(at);
    if ((n + 1) % bs === 0) {
      worker.hasher.extend(seq.hashes, seq.tokens, seq.spec, n + 1); // the token fills a block
      pool.extend(seq.requestId, n + 1, seq.hashes);
    }
    if (seq.generated >= seq.spec.maxTokens || (token === eos && !seq.spec.ignoreEos)) finished++;
  }
  worker.publishKv(at);
  // 3. Sequences at their last token complete, in admission order.
  if (finished === 0) return;
  let kept = 0;
  for (const seq of running) {
    const last = seq.tokens[seq.promptTokens + seq.generated - 1];
    const byLength = seq.generated >= seq.spec.maxTokens;
    if (byLength || (last === eos && !seq.spec.ignoreEos)) worker.complete(seq, at, byLength ? 'length' : 'eos');
    else running[kept++] = seq;
  }
  running.length = kept;
}
