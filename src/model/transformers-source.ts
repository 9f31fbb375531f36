// A token source over a causal LM loaded through transformers.js (a local folder or a hub id).
// Greedy decoding, so the same sequence always gets the same next token.
//
// Each sequence's K/V stay cached between calls (keyed by request id), so a decode step costs one
// token's forward. Per call:
//   1. A sequence whose tokens are exactly its cached tokens plus one is decoded on its cache;
//      anything else (new, preempted and re-sent, diverged, extended by several tokens) is prefilled
//      from scratch, dropping what was cached for it.
//   2. Prefills run batched (left padding, bounded waste), decodes run as one batch: on the cache
//      layout of the previous step when the rows are the same in the same order, else on a copy
//      gathered into a new layout.
// Calls run one at a time, in order; `release` may come at any time.

import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import type { RequestId } from '../messages.ts';
import { CallQueue } from './call-queue.ts';
import { checkBatch, decodeGroups, extendsByOne, prefillGroups, type Entry, type Pending } from './batch-plan.ts';
import { decodeStep, prefill, type StepResult } from './forward.ts';
import { gatherRows } from './kv-batch.ts';
import { loadPretrained, locateModel } from './load-pretrained.ts';
import type { SequenceTokens, TokenSource } from './token-source.ts';

export interface TransformersSourceOptions {
  /** A local model folder or a hub id such as 'Xenova/gpt2'. */
  readonly model: string;
  /** Shown in results and errors; `model` by default. */
  readonly name?: string;
  /** Folder of hub downloads (`.cache/hub` of the project by default). */
  readonly hubCacheDir?: string;
  /** Download a hub model that is not cached yet (default true). */
  readonly allowRemote?: boolean;
  /** Most padded prompt tokens (rows × longest prompt) one prefill batch may hold; 8192 by default. */
  readonly prefillTokenBudget?: number;
  /**
   * Most attention scores (rows × heads × new tokens × total tokens) one forward may build; 2²³
   * by default. Long prompts are prefilled in column chunks that stay under it.
   */
  readonly attentionBudget?: number;
  /** Most threads ONNX Runtime may use (default: one on ≤ 2 cores, else one per core; never spinning); one per worker thread when several run models. */
  readonly threads?: number;
  /** Sees each sequence's next-token logits (a view, valid during the call): for tests and inspection. */
  readonly onLogits?: (requestId: RequestId, logits: Float32Array) => void;
}

/** Counters of a source, since it was created. */
export interface ModelSourceStats {
  readonly forwards: number;
  /** Sequences prefilled, and of them those that had a cache that did not match (recomputed). */
  readonly prefills: number;
  readonly recomputes: number;
  readonly prefillTokens: number;
  readonly decodeTokens: number;
  /** Decode steps that had to copy the cache into a new layout (the batch's rows changed). */
  readonly gathers: number;
  /** Tokens answered from what was computed ahead of the call (sequences with a known last length). */
  readonly aheadTokens: number;
  /** Prompt tokens not prefilled because a prompt prefilled lately started with them (their K/V reused). */
  readonly reusedTokens: number;
}

export interface ModelTokenSource extends TokenSource {
  next(batch: readonly SequenceTokens[]): Promise<readonly number[]>;
  release(requestId: RequestId): void;
  encode(text: string): number[];
  decode(tokens: readonly number[]): string;
  /** Longest sequence the model takes (its position embeddings), or null if it does not say. */
  readonly contextLength: number | null;
  /** Sequences with cached K/V. */
  readonly cachedSequences: number;
  stats(): ModelSourceStats;
  /** Frees the model's inference sessions; the source is unusable afterwards. */
  dispose(): Promise<void>;
}

/** Loads the model (then its tokenizer) and returns a source over it. Throws ModelLoadError. */
export async function createTransformersSource(options: TransformersSourceOptions): Promise<ModelTokenSource> {
  const name = options.name ?? options.model;
  const where = locateModel(options.model, {
    ...(options.hubCacheDir === undefined ? {} : { hubCacheDir: options.hubCacheDir }),
    ...(options.allowRemote === undefined ? {} : { allowRemote: options.allowRemote }),
  });
  const { model, tokenizer } = await loadPretrained(name, where, options.threads);
  return sourceOver(name, model, tokenizer, options);
}

/** The first integer among `keys` of a model's config (the first element of an array). */
export function configNumber(config: unknown, ...keys: string[]): number | null {
  for (const key of keys) {
    let value = (config as Record<string, unknown>)[key];
    if (Array.isArray(value)) value = value[0];
    if (typeof value === 'number' && Number.isInteger(value)) return value;
  }
  return null;
}

/** What both model sources read of a model's config and of their options. */
export function sourceSettings(model: PreTrainedModel, options: Pick<TransformersSourceOptions, 'prefillTokenBudget' | 'attentionBudget'>) {
  return {
    eosTokenId: configNumber(model.config, 'eos_token_id'),
    contextLength: configNumber(model.config, 'n_positions', 'max_position_embeddings'),
    prefillTokenBudget: options.prefillTokenBudget ?? 8192,
    attentionBudget: options.attentionBudget ?? 2 ** 23,
  };
}

/** A model source's `encode` and `decode`, over its transformers.js tokenizer. */
export function tokenizerText(tokenizer: PreTrainedTokenizer): Required<Pick<TokenSource, 'encode' | 'decode'>> {
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    // NOTE: transformers.js throws on an empty list; the empty text is the answer.
    decode: (tokens) => (tokens.length === 0 ? '' : tokenizer.decode([...tokens], { skip_special_tokens: false })),
  };
}

/** A source over an already loaded model and tokenizer. */
export function sourceOver(
  name: string,
  model: PreTrainedModel,
  tokenizer: PreTrainedTokenizer,
  options: Omit<TransformersSourceOptions, 'model'> = {},
): ModelTokenSource {
  const { eosTokenId, contextLength, prefillTokenBudget, attentionBudget } = sourceSettings(model, options);
  const heads = configNumber(model.config, 'n_head', 'num_attention_heads') ?? 12;
  const session = (model.sessions as Record<string, { inputNames: string[] }>)['model'];
  // NOTE: without position ids the graph derives positions from the padded index, so rows could not
  // be padded without changing their results: batches then hold rows of one length only.
  const canPad = session?.inputNames.includes('position_ids') ?? false;
  const entries = new Map<RequestId, Entry>();
  const counts = { forwards: 0, prefills: 0, recomputes: 0, prefillTokens: 0, decodeTokens: 0, gathers: 0, aheadTokens: 0, reusedTokens: 0 };
  const calls = new CallQueue();

  /** Keep what a call computed for `p` only if `p` was not released after the call was made. */
  const keep = (p: Pending, ticket: number): boolean => {
    const current = entries.get(p.sequence.requestId) === p.entry;
    if (current && calls.releasedSince(p.sequence.requestId, ticket)) entries.delete(p.sequence.requestId);
    return current && entries.has(p.sequence.requestId);
  };

  const report = (group: readonly Pending[], result: StepResult, out: number[]): void => {
    counts.forwards++;
    group.forEach((p, r) => {
      out[p.index] = result.tokens[r]!;
      options.onLogits?.(p.sequence.requestId, result.logits.subarray(r * result.vocab, (r + 1) * result.vocab));
    });
  };

  const runPrefills = async (group: readonly Pending[], out: number[], ticket: number): Promise<void> => {
    const prompts = group.map((p) => p.sequence.tokens);
    const width = Math.max(...prompts.map((t) => t.length));
    const chunk = Math.max(1, Math.min(width, Math.floor(attentionBudget / (group.length * heads * width))));
    const result = await prefill(model, prompts, chunk, options.onLogits !== undefined);
    counts.forwards += Math.ceil(width / chunk) - 1;
    counts.prefills += group.length;
    counts.prefillTokens += prompts.reduce((sum, t) => sum + t.length, 0);
    report(group, result, out);
    group.forEach((p, row) => {
      if (!keep(p, ticket)) return;
      p.entry.tokens = [...p.sequence.tokens];
      p.entry.kv = { batch: result.kv, row };
    });
  };

  const runDecodes = async (group: readonly Pending[], out: number[], ticket: number): Promise<void> => {
    const first = group[0]!.entry.kv!.batch;
    const sameLayout = first.rows === group.length && group.every((p, r) => p.entry.kv!.batch === first && p.entry.kv!.row === r);
    if (!sameLayout) counts.gathers++;
    const kv = sameLayout ? first : gatherRows(group.map((p) => p.entry.kv!));
    const fed = group.map((p) => p.sequence.tokens[p.sequence.tokens.length - 1]!);
    const result = await decodeStep(model, kv, fed, options.onLogits !== undefined);
    counts.decodeTokens += group.length;
    report(group, result, out);
    group.forEach((p, row) => {
      if (!keep(p, ticket)) return;
      p.entry.tokens.push(fed[row]!);
      p.entry.kv = { batch: result.kv, row };
    });
  };

  const step = async (batch: readonly SequenceTokens[], ticket: number): Promise<number[]> => {
    const out = new Array<number>(batch.length);
    const decodes: Pending[] = [];
    const prefills: Pending[] = [];
    checkBatch(batch, name, contextLength);
    batch.forEach((sequence, index) => {
      const entry = entries.get(sequence.requestId);
      if (entry?.kv != null && extendsByOne(entry.tokens, sequence.tokens)) {
        decodes.push({ index, sequence, entry });
        return;
      }
      if (entry?.kv != null) counts.recomputes++;
      const fresh: Entry = { tokens: [], kv: null };
      entries.set(sequence.requestId, fresh);
      prefills.push({ index, sequence, entry: fresh });
    });
    for (const group of prefillGroups(prefills, prefillTokenBudget, canPad)) await runPrefills(group, out, ticket);
    for (const group of decodeGroups(decodes, canPad)) await runDecodes(group, out, ticket);
    return out;
  };

  return {
    name,
    eosTokenId,
    contextLength,
    get cachedSequences() {
      return entries.size;
    },
    next: (batch) => calls.run((ticket) => step(batch, ticket)),
    release(requestId) {
      entries.delete(requestId);
      calls.release(requestId);
    },
    ...tokenizerText(tokenizer),
    stats: () => ({ ...counts }),
    dispose: async () => {
      entries.clear();
      await model.dispose();
    },
  };
}
