// How one call's sequences become forwards: which are decoded on their cache and which are
// prefilled, and which share a batch. Pure functions over the source's bookkeeping.

import type { RequestId } from '../messages.ts';
import { TokenBatchError } from './errors.ts';
import { rowLength, type KvRow } from './kv-batch.ts';
import type { SequenceTokens } from './token-source.ts';

/** What a source has cached for one sequence. */
export interface Entry {
  /** The tokens whose K/V the cache holds. */
  tokens: number[];
  /** Where those K/V are; null until the first prefill completes. */
  kv: KvRow | null;
}

/** A sequence of the current call, with its place in the answer and its cache entry. */
export interface Pending {
  readonly index: number;
  readonly sequence: SequenceTokens;
  readonly entry: Entry;
}

/** Throws TokenBatchError for a batch no model could answer, before anything is changed. */
export function checkBatch(batch: readonly SequenceTokens[], name: string, contextLength: number | null): void {
  const seen = new Set<RequestId>();
  for (const { requestId: id, tokens } of batch) {
    if (seen.has(id)) throw new TokenBatchError(`sequence '${id}' appears twice in one batch; send each running sequence once`);
    seen.add(id);
    if (tokens.length === 0) throw new TokenBatchError(`sequence '${id}' has no tokens; a prompt needs at least one`);
    if (contextLength !== null && tokens.length > contextLength) {
      throw new TokenBatchError(`sequence '${id}' has ${tokens.length} tokens; model '${name}' takes at most ${contextLength}`);
    }
  }
}

/** How many leading tokens `a` and `b` share, at most `most`. */
export function sharedPrefix(a: readonly number[], b: readonly number[], most = Math.min(a.length, b.length)): number {
  let n = 0;
  while (n < most && a[n] === b[n]) n++;
  return n;
}

/** True when `tokens` is `cached` followed by exactly one more token. */
export function extendsByOne(cached: readonly number[], tokens: readonly number[]): boolean {
  return tokens.length === cached.length + 1 && sharedPrefix(cached, tokens) === cached.length;
}

/**
 * Prefill batches: longest prompt first; a prompt joins the open batch while it is at least half
 * as long as the batch's longest (padding wastes under half) and the padded size stays within
 * budget. Without padding, only prompts of one length share a batch.
 */
export function prefillGroups<P extends { readonly sequence: SequenceTokens }>(prefills: readonly P[], budget: number, canPad: boolean): P[][] {
  const sorted = [...prefills].sort((a, b) => b.sequence.tokens.length - a.sequence.tokens.length);
  const groups: P[][] = [];
  let open: P[] = [];
  let width = 0;
  for (const p of sorted) {
    const length = p.sequence.tokens.length;
    const fits = canPad ? 2 * length >= width && (open.length + 1) * width <= budget : length === width;
    if (open.length > 0 && fits) {
      open.push(p);
      continue;
    }
    if (open.length > 0) groups.push(open);
    open = [p];
    width = length;
  }
  if (open.length > 0) groups.push(open);
  return groups;
}

/** Decode batches: all decodes at once, or (without padding) one batch per cached length. */
export function decodeGroups(decodes: readonly Pending[], canPad: boolean): Pending[][] {
  if (decodes.length === 0) return [];
  if (canPad) return [[...decodes]];
  const byLength = new Map<number, Pending[]>();
  for (const p of decodes) {
    const length = rowLength(p.entry.kv!);
    const group = byLength.get(length) ?? [];
    group.push(p);
    byLength.set(length, group);
  }
  return [...byLength.values()];
}
