// The offline default (DESIGN §3.8): the tiny GPT-2 the project builds itself, in its cache folder,
// loaded through transformers.js exactly like a hub model.

import { ensureTinyModel, type TinyModelOptions } from './tiny-gpt2/cache.ts';
import { createTransformersSource, type ModelTokenSource, type TransformersSourceOptions } from './transformers-source.ts';

export type TinySourceOptions = Omit<TinyModelOptions, 'force'> &
  Pick<TransformersSourceOptions, 'prefillTokenBudget' | 'attentionBudget' | 'threads' | 'onLogits'>;

/** A source over the tiny GPT-2 with these build parameters (seed 0 by default), built if needed. */
export async function createTinySource(options: TinySourceOptions = {}): Promise<ModelTokenSource> {
  const { prefillTokenBudget, attentionBudget, threads, onLogits, ...build } = options;
  const { dir } = await ensureTinyModel(build);
  return createTransformersSource({
    model: dir,
    name: 'tiny-gpt2',
    ...(prefillTokenBudget === undefined ? {} : { prefillTokenBudget }),
    ...(attentionBudget === undefined ? {} : { attentionBudget }),
    ...(threads === undefined ? {} : { threads }),
    ...(onLogits === undefined ? {} : { onLogits }),
  });
}
