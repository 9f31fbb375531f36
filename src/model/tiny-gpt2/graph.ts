// The ONNX graph of a GPT-2 (opset 20), with the inputs and outputs transformers.js expects of a
// hub export (shared/notes/transformers-offline.md):
//   input_ids, position_ids [batch_size, sequence_length]; attention_mask [batch_size,
//   total_sequence_length]; past_key_values.{i}.key/.value [batch_size, HEADS,
//   past_sequence_length, HEAD_DIM]; num_logits_to_keep (scalar; 0 = every position)
//   → logits [batch_size, kept, vocab]; present.{i}.key/.value [batch_size, HEADS,
//   total_sequence_length, HEAD_DIM]; and next_token [batch_size], the argmax (lowest id on ties)
//   of the last position's logits, so that a greedy step need not fetch the logits at all.
// Query s of the new tokens sits at absolute index past + s and sees key t iff t ≤ past + s and
// attention_mask[t] = 1. Masked scores become -1e9 rather than -inf: a row with every key masked
// (a padding query) then gives finite uniform weights instead of NaN, and a masked key's weight is
// still exactly 0 (exp underflows), so padding never changes a real row.

import { BOOL, FLOAT, GraphBuilder, INT64, valueInfo } from './onnx-builder.ts';
import { GPT2_EOS_TOKEN_ID, GPT2_VOCAB_SIZE, type TinyGpt2Params } from './params.ts';
import type { BlockWeights, NamedTensor, TinyGpt2Weights } from './weights.ts';

export const OPSET = 20;
const LAYER_NORM_EPSILON = 1e-5;
export const MASKED_SCORE = -1e9;
export const TO_THE_END = Number.MAX_SAFE_INTEGER; // a Slice end past the last index

/** A new graph with the layer helpers and the first constants both GPT-2 graphs use (in this order: it fixes the bytes). */
export function gpt2GraphStart(p: TinyGpt2Params) {
  const g = new GraphBuilder();
  const init = (t: NamedTensor): string => g.floats(t.name, t.dims, t.data);
  return {
    g,
    headDim: p.width / p.heads,
    init,
    layerNorm: (x: string, gain: NamedTensor, bias: NamedTensor): string =>
      g.op1('LayerNormalization', [x, init(gain), init(bias)], { axis: -1, epsilon: { float: LAYER_NORM_EPSILON } }),
    linear: (x: string, weight: NamedTensor, bias: NamedTensor): string => g.op1('Add', [g.op1('MatMul', [x, init(weight)]), init(bias)]),
    zero: g.int64s('const_0', [], [0]),
    one: g.int64s('const_1', [], [1]),
    axes0: g.int64s('axes_0', [1], [0]),
    axes1: g.int64s('axes_1', [1], [1]),
    axes12: g.int64s('axes_1_2', [2], [1, 2]),
  };
}

/** The bytes of `onnx/model.onnx` for these parameters and weights. */
export function buildGraph(p: TinyGpt2Params, w: TinyGpt2Weights): Uint8Array {
  const { g, headDim, init, layerNorm, linear, zero, one, axes0, axes1, axes12 } = gpt2GraphStart(p);
  const splitHeads = g.int64s('shape_split_heads', [4], [0, 0, p.heads, headDim]);
  const mergeHeads = g.int64s('shape_merge_heads', [3], [0, 0, p.width]);
  const scale = g.floats('attn_scale', [], Float32Array.of(1 / Math.sqrt(headDim)));
  const masked = g.floats('masked_score', [], Float32Array.of(MASKED_SCORE));

  // Embeddings.
  let x = g.op1('Add', [g.op1('Gather', [init(w.wte), 'input_ids']), g.op1('Gather', [init(w.wpe), 'position_ids'])]);

  // allowed[b, 0, s, t] = (t ≤ past + s) ∧ attention_mask[b, t]; shared by every layer.
  const total = g.op1('Squeeze', [g.op1('Shape', ['attention_mask'], { start: 1, end: 2 })]);
  const fresh = g.op1('Squeeze', [g.op1('Shape', ['input_ids'], { start: 1, end: 2 })]);
  const keyIndex = g.op1('Range', [zero, total, one]);
  const queryIndex = g.op1('Range', [g.op1('Sub', [total, fresh]), total, one]);
  const causal = g.op1('LessOrEqual', [g.op1('Unsqueeze', [keyIndex, axes0]), g.op1('Unsqueeze', [queryIndex, axes1])]);
  const padding = g.op1('Unsqueeze', [g.op1('Cast', ['attention_mask'], { to: BOOL }), axes12]);
  const allowed = g.op1('And', [causal, padding]);

  const toHeads = (t: string): string => g.op1('Transpose', [g.op1('Reshape', [t, splitHeads])], { perm: [0, 2, 1, 3] });
  const block = (i: number, b: BlockWeights): void => {
    const qkv = linear(layerNorm(x, b.ln1Gain, b.ln1Bias), b.attnWeight, b.attnBias);
    const [q, k, v] = g.op('Split', [qkv], { axis: 2, num_outputs: 3 }, 3) as [string, string, string];
    const keys = g.op1('Concat', [`past_key_values.${i}.key`, toHeads(k)], { axis: 2 }, `present.${i}.key`);
    const values = g.op1('Concat', [`past_key_values.${i}.value`, toHeads(v)], { axis: 2 }, `present.${i}.value`);
    const queries = g.op1('Mul', [toHeads(q), scale]);
    const scores = g.op1('MatMul', [queries, g.op1('Transpose', [keys], { perm: [0, 1, 3, 2] })]);
    const weights = g.op1('Softmax', [g.op1('Where', [allowed, scores, masked])], { axis: -1 });
    const context = g.op1('Transpose', [g.op1('MatMul', [weights, values])], { perm: [0, 2, 1, 3] });
    x = g.op1('Add', [x, linear(g.op1('Reshape', [context, mergeHeads]), b.attnProjWeight, b.attnProjBias)]);
    const hidden = g.op1('Gelu', [linear(layerNorm(x, b.ln2Gain, b.ln2Bias), b.fcWeight, b.fcBias)], { approximate: 'tanh' });
    x = g.op1('Add', [x, linear(hidden, b.mlpProjWeight, b.mlpProjBias)]);
  };
  w.blocks.forEach((b, i) => block(i, b));

  // Keep the last num_logits_to_keep positions (all of them for 0) before the LM head.
  const start = g.op1('Neg', [g.op1('Unsqueeze', ['num_logits_to_keep', axes0])]);
  const kept = g.op1('Slice', [x, start, g.int64s('slice_end', [1], [TO_THE_END]), axes1]);
  const normed = layerNorm(kept, w.lnFinalGain, w.lnFinalBias);
  // Tied LM head: logits = h · wteᵀ (onnxruntime folds the transpose of the constant once, at load).
  const headTransposed = g.op1('Transpose', [w.wte.name], { perm: [1, 0] });
  let logits: string;
  if (p.eosLogitBias === 0) {
    logits = g.op1('MatMul', [normed, headTransposed], {}, 'logits');
  } else {
    const bias = new Float32Array(GPT2_VOCAB_SIZE);
    bias[GPT2_EOS_TOKEN_ID] = p.eosLogitBias;
    logits = g.op1('Add', [g.op1('MatMul', [normed, headTransposed]), g.floats('lm_head.bias', [GPT2_VOCAB_SIZE], bias)], {}, 'logits');
  }
  const last = g.op1('Gather', [logits, g.int64s('const_minus_1', [], [-1])], { axis: 1 });
  g.op1('ArgMax', [last], { axis: -1, keepdims: 0, select_last_index: 0 }, 'next_token');

  const past = (i: number, kind: 'key' | 'value', prefix: string, length: string) =>
    valueInfo(`${prefix}.${i}.${kind}`, FLOAT, ['batch_size', p.heads, length, headDim]);
  const layers = w.blocks.map((_, i) => i);
  return g.encode({
    name: 'tiny-gpt2',
    opset: OPSET,
    producer: 'stateful-cache-router tiny-gpt2',
    inputs: [
      valueInfo('input_ids', INT64, ['batch_size', 'sequence_length']),
      valueInfo('attention_mask', INT64, ['batch_size', 'total_sequence_length']),
      valueInfo('position_ids', INT64, ['batch_size', 'sequence_length']),
      ...layers.flatMap((i) => [past(i, 'key', 'past_key_values', 'past_sequence_length'), past(i, 'value', 'past_key_values', 'past_sequence_length')]),
      valueInfo('num_logits_to_keep', INT64, []),
    ],
    outputs: [
      valueInfo('logits', FLOAT, ['batch_size', 'kept_sequence_length', GPT2_VOCAB_SIZE]),
      valueInfo('next_token', INT64, ['batch_size']),
      ...layers.flatMap((i) => [past(i, 'key', 'present', 'total_sequence_length'), past(i, 'value', 'present', 'total_sequence_length')]),
    ],
  });
}
