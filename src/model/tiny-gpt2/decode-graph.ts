// The tiny GPT-2's decode graph (`onnx/decode.onnx`, opset 20): one new token per row on top of a
// cache that the caller keeps in place, with room to spare. It does what graph.ts does for one
// token, except that it never concatenates past and new K/V (which copied every cached value every
// step) and returns only the new position's K/V, for the caller to write into its buffer:
//   input_ids [batch, 1]; past_length [batch] (a row's cached positions = its new token's position);
//   past.{i}.key [batch, HEADS, HEAD_DIM, capacity] (keys transposed, so scores are one MatMul);
//   past.{i}.value [batch, HEADS, capacity, HEAD_DIM]
//   → next_token [batch] (argmax, lowest id on ties); new.{i}.key/.value [batch, HEADS, 1, HEAD_DIM].
// Row b's positions [0, past_length[b]) hold its cache; later ones are spare and masked out, whatever
// they hold (-1e9 scores, weight exactly 0). The new position's score joins the past's before the
// softmax, and its value is added after the past's weighted sum: the same math as graph.ts in
// another summation order (logits within ~1e-6).

import { gpt2GraphStart, MASKED_SCORE, OPSET, TO_THE_END } from './graph.ts';
import { FLOAT, INT64, valueInfo } from './onnx-builder.ts';
import { GPT2_EOS_TOKEN_ID, GPT2_VOCAB_SIZE, type TinyGpt2Params } from './params.ts';
import type { BlockWeights, TinyGpt2Weights } from './weights.ts';

/** The bytes of `onnx/decode.onnx` for these parameters and weights. */
export function buildDecodeGraph(p: TinyGpt2Params, w: TinyGpt2Weights): Uint8Array {
  const { g, headDim, init, layerNorm, linear, zero, one, axes0, axes1, axes12 } = gpt2GraphStart(p);
  const axes3 = g.int64s('axes_3', [1], [3]);
  const splitHeads = g.int64s('shape_split_heads', [4], [0, 0, p.heads, headDim]);
  const mergeHeads = g.int64s('shape_merge_heads', [3], [0, 0, p.width]);
  const scale = g.floats('attn_scale', [], Float32Array.of(1 / Math.sqrt(headDim)));
  const masked = g.floats('masked_score', [], Float32Array.of(MASKED_SCORE));
  const startOfAll = g.int64s('slice_start_0', [1], [0]);
  const allButLast = g.int64s('slice_end_minus_1', [1], [-1]);
  const last = g.int64s('slice_start_minus_1', [1], [-1]);
  const toTheEnd = g.int64s('slice_end', [1], [TO_THE_END]);

  // Embeddings: the new token at position past_length.
  const positions = g.op1('Unsqueeze', ['past_length', axes1]);
  let x = g.op1('Add', [g.op1('Gather', [init(w.wte), 'input_ids']), g.op1('Gather', [init(w.wpe), positions])]);

  // allowed[b, 0, 0, t] = t < past_length[b]: the row's cache, not the spare positions after it.
  const capacity = g.op1('Squeeze', [g.op1('Shape', ['past.0.value'], { start: 2, end: 3 })]);
  const keyIndex = g.op1('Unsqueeze', [g.op1('Range', [zero, capacity, one]), axes0]);
  const allowed = g.op1('Unsqueeze', [g.op1('Less', [keyIndex, positions]), axes12]);

  const toHeads = (t: string): string => g.op1('Transpose', [g.op1('Reshape', [t, splitHeads])], { perm: [0, 2, 1, 3] });
  const block = (i: number, b: BlockWeights): void => {
    const qkv = linear(layerNorm(x, b.ln1Gain, b.ln1Bias), b.attnWeight, b.attnBias);
    const [q, k, v] = g.op('Split', [qkv], { axis: 2, num_outputs: 3 }, 3) as [string, string, string];
    const key = g.op1('Identity', [toHeads(k)], {}, `new.${i}.key`);
    const value = g.op1('Identity', [toHeads(v)], {}, `new.${i}.value`);
    const queries = g.op1('Mul', [toHeads(q), scale]);
    const pastScores = g.op1('Where', [allowed, g.op1('MatMul', [queries, `past.${i}.key`]), masked]);
    const newScore = g.op1('MatMul', [queries, g.op1('Transpose', [key], { perm: [0, 1, 3, 2] })]);
    const weights = g.op1('Softmax', [g.op1('Concat', [pastScores, newScore], { axis: 3 })], { axis: -1 });
    const pastWeights = g.op1('Slice', [weights, startOfAll, allButLast, axes3]);
    const newWeight = g.op1('Slice', [weights, last, toTheEnd, axes3]);
    const attended = g.op1('Add', [g.op1('MatMul', [pastWeights, `past.${i}.value`]), g.op1('Mul', [newWeight, value])]);
    const context = g.op1('Transpose', [attended], { perm: [0, 2, 1, 3] });
    x = g.op1('Add', [x, linear(g.op1('Reshape', [context, mergeHeads]), b.attnProjWeight, b.attnProjBias)]);
    const hidden = g.op1('Gelu', [linear(layerNorm(x, b.ln2Gain, b.ln2Bias), b.fcWeight, b.fcBias)], { approximate: 'tanh' });
    x = g.op1('Add', [x, linear(hidden, b.mlpProjWeight, b.mlpProjBias)]);
  };
  w.blocks.forEach((b, i) => block(i, b));

  // The tied LM head and its argmax, as in graph.ts, on [batch, width] (one position per row
  // needs no Gather of the last position's logits).
  const normed = g.op1('Reshape', [layerNorm(x, w.lnFinalGain, w.lnFinalBias), g.int64s('shape_rows', [2], [-1, p.width])]);
  const headTransposed = g.op1('Transpose', [w.wte.name], { perm: [1, 0] });
  let logits = g.op1('MatMul', [normed, headTransposed]);
  if (p.eosLogitBias !== 0) {
    const bias = new Float32Array(GPT2_VOCAB_SIZE);
    bias[GPT2_EOS_TOKEN_ID] = p.eosLogitBias;
    logits = g.op1('Add', [logits, g.floats('lm_head.bias', [GPT2_VOCAB_SIZE], bias)]);
  }
  // NOTE: TopK with k = 1 rather than ArgMax: the same index (the lowest on ties, by the spec and
  // tested), ~25 µs less per row over 50,257 logits (ORT's ArgMax is a scalar loop).
  const [, top] = g.op('TopK', [logits, g.int64s('const_k_1', [1], [1])], { axis: -1, largest: 1, sorted: 1 }, 2) as [string, string];
  g.op1('Squeeze', [top, axes1], {}, 'next_token');

  const layers = w.blocks.map((_, i) => i);
  const cache = (name: string, dims: readonly (string | number)[]) => valueInfo(name, FLOAT, ['batch_size', ...dims]);
  return g.encode({
    name: 'tiny-gpt2-decode',
    opset: OPSET,
    producer: 'stateful-cache-router tiny-gpt2',
    inputs: [
      valueInfo('input_ids', INT64, ['batch_size', 1]),
      valueInfo('past_length', INT64, ['batch_size']),
      ...layers.flatMap((i) => [cache(`past.${i}.key`, [p.heads, headDim, 'capacity']), cache(`past.${i}.value`, [p.heads, 'capacity', headDim])]),
    ],
    outputs: [
      valueInfo('next_token', INT64, ['batch_size']),
      ...layers.flatMap((i) => [cache(`new.${i}.key`, [p.heads, 1, headDim]), cache(`new.${i}.value`, [p.heads, 1, headDim])]),
    ],
  });
}
