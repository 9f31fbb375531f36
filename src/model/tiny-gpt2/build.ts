// Writes a tiny GPT-2 as a model folder that transformers.js loads like a hub export:
//   config.json, generation_config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx;
// and onnx/decode.onnx, the decode step on a cache kept in place (decode-graph.ts), which the tiny
// source runs itself.
// Same parameters → byte-identical files.

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildDecodeGraph } from './decode-graph.ts';
import { buildGraph } from './graph.ts';
import { BUILDER_VERSION, GPT2_EOS_TOKEN_ID, GPT2_VOCAB_SIZE, type TinyGpt2Params } from './params.ts';
import { tokenizerConfigJson, tokenizerJson } from './vocab.ts';
import { drawWeights } from './weights.ts';

/** The files of a model folder, relative to it, in the order they are written. */
export const MODEL_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx', 'onnx/decode.onnx'] as const;

/** config.json: what transformers.js reads of a gpt2 model, plus how this one was built. */
export function configJson(p: TinyGpt2Params): string {
  return JSON.stringify(
    {
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      vocab_size: GPT2_VOCAB_SIZE,
      n_positions: p.positions,
      n_ctx: p.positions,
      n_embd: p.width,
      n_layer: p.layers,
      n_head: p.heads,
      activation_function: 'gelu_new',
      layer_norm_epsilon: 1e-5,
      bos_token_id: GPT2_EOS_TOKEN_ID,
      eos_token_id: GPT2_EOS_TOKEN_ID,
      tie_word_embeddings: true,
      use_cache: true,
      tiny_gpt2: { builder_version: BUILDER_VERSION, ...p },
    },
    null,
    2,
  );
}

function generationConfigJson(): string {
  return JSON.stringify({ bos_token_id: GPT2_EOS_TOKEN_ID, eos_token_id: GPT2_EOS_TOKEN_ID }, null, 2);
}

/** Writes every file of the model into `dir` (created if missing). */
export async function writeTinyModel(dir: string, p: TinyGpt2Params): Promise<void> {
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeFile(join(dir, 'config.json'), configJson(p));
  await writeFile(join(dir, 'generation_config.json'), generationConfigJson());
  await writeFile(join(dir, 'tokenizer.json'), tokenizerJson());
  await writeFile(join(dir, 'tokenizer_config.json'), tokenizerConfigJson(p.positions));
  const weights = drawWeights(p);
  await writeFile(join(dir, 'onnx', 'model.onnx'), buildGraph(p, weights));
  await writeFile(join(dir, 'onnx', 'decode.onnx'), buildDecodeGraph(p, weights));
}
