// The offline default (DESIGN §3.8): the tiny GPT-2 the project builds itself, in its cache folder.
// Its prefills go through transformers.js exactly like a hub model's; its decode steps run its own
// decode graph on a cache kept in place, computing ahead (slot-source.ts), unless logits are asked
// for (only the transformers.js path fetches them) or `decodeInPlace` is false.

import { join } from 'node:path';
import { loadPretrained } from './load-pretrained.ts';
import { SlotDecoder } from './slot-decoder.ts';
import { slotSourceOver } from './slot-source.ts';
import { ensureTinyModel, type TinyModelOptions } from './tiny-gpt2/cache.ts';
import { createTransformersSource, type ModelTokenSource, type TransformersSourceOptions } from './transformers-source.ts';

export type TinySourceOptions = Omit<TinyModelOptions, 'force'> &
  Pick<TransformersSourceOptions, 'prefillTokenBudget' | 'attentionBudget' | 'threads' | 'onLogits'> & {
    /** Decode on the in-place graph, computing ahead (default true); false: the transformers.js path, as for hub models. */
    readonly decodeInPlace?: boolean;
  };

const NAME = 'tiny-gpt2';

/** A source over the tiny GPT-2 with these build parameters (seed 0 by default), built if needed. */
export async function createTinySource(options: TinySourceOptions = {}): Promise<ModelTokenSource> {
  const { prefillTokenBudget, attentionBudget, threads, onLogits, decodeInPlace, ...build } = options;
  const { dir } = await ensureTinyModel(build);
  const budgets = {
    ...(prefillTokenBudget === undefined ? {} : { prefillTokenBudget }),
    ...(attentionBudget === undefined ? {} : { attentionBudget }),
  };
  if (decodeInPlace === false || onLogits !== undefined) {
    return createTransformersSource({ model: dir, name: NAME, ...budgets, ...(threads === undefined ? {} : { threads }), ...(onLogits === undefined ? {} : { onLogits }) });
  }
  const { model, tokenizer } = await loadPretrained(NAME, { kind: 'folder', dir }, threads);
  const decoder = await SlotDecoder.load(join(dir, 'onnx', 'decode.onnx'), threads);
  return slotSourceOver(NAME, model, tokenizer, decoder, budgets);
}
