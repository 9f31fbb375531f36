// A token source whose decode steps run on a cache kept in place (SlotCache + SlotDecoder: the
// tiny GPT-2's decode.onnx), and which computes ahead. Prefills go through transformers.js as in
// transformers-source.ts; then each live sequence keeps one row of the slot cache until released.
//
// Computing ahead: a decode step feeds every live sequence that is known to go on — its last
// length (SequenceTokens.lastLength) not reached, no end-of-text yet — not only the sequences of
// the call. Workers ask in turn, each for its own one or two sequences, so their sequences share
// forwards only this way. A sequence's tokens depend on it alone (greedy, masked, own positions),
// so a token computed ahead is the token a later call would get: later calls read it back.
// Never past the last length, so nothing computed is wasted unless a sequence ends early
// (end-of-text) or is preempted.
//
// Per call:
//   1. a sequence whose tokens are a prefix of what is known for it is answered from that (the
//      next token was computed ahead); one whose tokens but the last are, joins this call's step
//      (its row cut back to them if it went further: a caller may feed a token of its own);
//   2. anything else (new, re-sent after a release, changed earlier) is prefilled from scratch;
//   3. one decode step, if some sequence of the call needs one, over it and every sequence
//      worth computing ahead, on the rows they keep (moved to the front only when they change).

import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import type { RequestId } from '../messages.ts';
import { checkBatch, prefillGroups, sharedPrefix } from './batch-plan.ts';
import { CallQueue } from './call-queue.ts';
import { prefill } from './forward.ts';
import type { KvBatch } from './kv-batch.ts';
import { PrefixStore } from './prefix-store.ts';
import { SlotCache, type SlotOwner } from './slot-cache.ts';
import type { SlotDecoder } from './slot-decoder.ts';
import type { SequenceTokens } from './token-source.ts';
import { configNumber, sourceSettings, tokenizerText, type ModelTokenSource, type TransformersSourceOptions } from './transformers-source.ts';

/** A sequence with a row in the slot cache. */
interface Live extends SlotOwner {
  /** The tokens whose K/V its row holds, then its next token: computed, not fed yet. */
  readonly known: number[];
  /** known[i] for i ≥ this is the model's next token after known[0..i) (before: tokens it was given). */
  firstComputed: number;
  /** SequenceTokens.lastLength as last sent, or null. */
  lastLength: number | null;
}

/** A sequence of the current call to prefill, with its place in the answer (-1: expected, not asked). */
interface Prefill {
  readonly index: number;
  readonly sequence: SequenceTokens;
}

/**
 * Most sequences a step computes ahead, and most live sequences before expected ones wait to be
 * asked: bounds the rows of a step and the memory (every row holds the longest row's capacity).
 */
const MOST_AHEAD = 32;

export type SlotSourceOptions = Pick<TransformersSourceOptions, 'prefillTokenBudget' | 'attentionBudget'>;

/** A source over a loaded model (its prefills) and its in-place decode graph (its decode steps). */
export function slotSourceOver(
  name: string,
  model: PreTrainedModel,
  tokenizer: PreTrainedTokenizer,
  decoder: SlotDecoder,
  options: SlotSourceOptions = {},
): ModelTokenSource {
  const { eosTokenId, contextLength, prefillTokenBudget, attentionBudget } = sourceSettings(model, options);
  const heads = configNumber(model.config, 'n_head', 'num_attention_heads') ?? 1;
  const width = configNumber(model.config, 'n_embd', 'hidden_size') ?? heads;
  const cache = new SlotCache(decoder.layers, heads, width / heads);
  const entries = new Map<RequestId, Live>();
  const counts = { forwards: 0, prefills: 0, recomputes: 0, prefillTokens: 0, decodeTokens: 0, gathers: 0, aheadTokens: 0, reusedTokens: 0 };
  const calls = new CallQueue();
  const prefixes = new PrefixStore();
  /** Sequences announced by `expect`, with a copy of their tokens: prefilled with the next call that runs the model. */
  const expected = new Map<RequestId, SequenceTokens>();
  /** True while a call runs: the decoder may be reading the cache in place, so rows must not move. */
  let busy = false;
  /** Released during a call: their rows are freed when it ends. */
  const releasedWhileBusy: Live[] = [];

  const drop = (live: Live): void => {
    if (busy) releasedWhileBusy.push(live);
    else cache.remove(live);
  };

  /** Worth a row in the next step without being asked: it goes on, and no end-of-text came yet. */
  const goesOn = (live: Live): boolean =>
    live.lastLength !== null && live.known.length < live.lastLength && live.known[live.known.length - 1] !== eosTokenId;

  /** Prefills `group` in one batch, or its one prompt from the K/V of a prefix. */
  const runPrefills = async (group: readonly Prefill[], out: number[], ticket: number, prefix?: KvBatch): Promise<void> => {
    const prompts = group.map((p) => p.sequence.tokens);
    const longest = Math.max(...prompts.map((t) => t.length));
    const chunk = Math.max(1, Math.min(longest, Math.floor(attentionBudget / (group.length * heads * longest))));
    const result = await prefill(model, prompts, chunk, false, prefix);
    const reused = prefix?.length ?? 0;
    counts.forwards += Math.ceil((longest - reused) / chunk);
    counts.prefills += group.length;
    counts.prefillTokens += prompts.reduce((sum, t) => sum + t.length, 0) - reused;
    counts.reusedTokens += reused;
    group.forEach(({ index, sequence }, row) => {
      const token = result.tokens[row]!;
      if (index >= 0) out[index] = token;
      prefixes.remember(sequence.tokens, { batch: result.kv, row });
      const id = sequence.requestId;
      if (calls.releasedSince(id, ticket) || entries.has(id)) return;
      const live: Live = { slot: -1, known: [...sequence.tokens, token], firstComputed: sequence.tokens.length, lastLength: sequence.lastLength ?? null };
      cache.add(live, result.kv, row);
      entries.set(id, live);
    });
  };

  /** One decode step over `wanted` and every live sequence that goes on; answers `wanted`. */
  const runStep = async (wanted: readonly { index: number; live: Live }[], out: number[]): Promise<void> => {
    const rows = new Set(wanted.map((w) => w.live));
    for (const live of entries.values()) if (rows.size < MOST_AHEAD && goesOn(live)) rows.add(live);
    const before = cache.moves;
    cache.putFirst([...rows]);
    if (cache.moves !== before) counts.gathers++;
    cache.fitNextPosition();
    const bySlot = new Array<Live>(rows.size);
    for (const live of rows) bySlot[live.slot] = live;
    const result = await decoder.step(
      cache,
      bySlot.map((live) => live.known[live.known.length - 1]!),
    );
    counts.forwards++;
    counts.decodeTokens += bySlot.length;
    // Rows released meanwhile are appended too: harmless, they are freed when the call ends.
    bySlot.forEach((live, slot) => {
      cache.append(slot, slot, result.newKeys, result.newValues);
      live.known.push(result.tokens[slot]!);
    });
    for (const { index, live } of wanted) out[index] = result.tokens[live.slot]!;
  };

  const call = async (batch: readonly SequenceTokens[], ticket: number): Promise<number[]> => {
    busy = true;
    try {
      return await step(batch, ticket);
    } finally {
      busy = false;
      for (const live of releasedWhileBusy.splice(0)) cache.remove(live);
    }
  };

  const step = async (batch: readonly SequenceTokens[], ticket: number): Promise<number[]> => {
    checkBatch(batch, name, contextLength);
    const out = new Array<number>(batch.length);
    const wanted: { index: number; live: Live }[] = [];
    const prefills: Prefill[] = [];
    batch.forEach((sequence, index) => {
      expected.delete(sequence.requestId);
      const live = entries.get(sequence.requestId);
      const n = sequence.tokens.length;
      const shared = live === undefined ? 0 : sharedPrefix(sequence.tokens, live.known);
      if (live !== undefined && shared === n && n < live.known.length && n >= live.firstComputed) {
        out[index] = live.known[n]!; // computed ahead
        counts.aheadTokens++;
        live.lastLength = sequence.lastLength ?? null;
        return;
      }
      if (live !== undefined && shared >= n - 1 && n <= live.known.length) {
        // Its row holds the K/V of its first n − 1 tokens (and maybe more, now dropped): feed the last.
        if (shared < n || n < live.known.length) {
          cache.truncate(live.slot, n - 1);
          live.known.length = n - 1;
          live.known.push(sequence.tokens[n - 1]!);
          live.firstComputed = n;
        }
        live.lastLength = sequence.lastLength ?? null;
        wanted.push({ index, live });
        return;
      }
      if (live !== undefined) {
        counts.recomputes++;
        entries.delete(sequence.requestId);
        drop(live);
      }
      prefills.push({ index, sequence });
    });
    // The model runs anyway: the sequences expected meanwhile are prefilled now, to join the step.
    if (prefills.length > 0 || wanted.length > 0) {
      for (const sequence of expected.values()) {
        if (entries.size + prefills.length >= MOST_AHEAD) break;
        prefills.push({ index: -1, sequence });
        expected.delete(sequence.requestId);
      }
    }
    // Prompts that start like one prefilled lately go alone from there; the others share forwards.
    const fresh: Prefill[] = [];
    for (const p of prefills) {
      const prefix = prefixes.longestPrefix(p.sequence.tokens);
      if (prefix === null) fresh.push(p);
      else await runPrefills([p], out, ticket, prefix);
    }
    for (const group of prefillGroups(fresh, prefillTokenBudget, true)) await runPrefills(group, out, ticket);
    if (wanted.length > 0) await runStep(wanted, out);
    return out;
  };

  return {
    name,
    eosTokenId,
    contextLength,
    get cachedSequences() {
      return entries.size;
    },
    next: (batch) => calls.run((ticket) => call(batch, ticket)),
    expect(sequence) {
      if (sequence.lastLength === undefined || sequence.lastLength <= sequence.tokens.length || entries.has(sequence.requestId)) return;
      expected.set(sequence.requestId, { requestId: sequence.requestId, tokens: sequence.tokens.slice(), lastLength: sequence.lastLength });
    },
    release(requestId) {
      expected.delete(requestId);
      const live = entries.get(requestId);
      calls.release(requestId);
      if (live === undefined) return;
      entries.delete(requestId);
      drop(live);
    },
    ...tokenizerText(tokenizer),
    stats: () => ({ ...counts }),
    dispose: async () => {
      entries.clear();
      await Promise.all([model.dispose(), decoder.dispose()]);
    },
  };
}
