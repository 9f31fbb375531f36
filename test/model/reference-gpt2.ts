// GPT-2's forward pass in plain TypeScript (float64, no cache, one sequence): the specification
// the ONNX graph is checked against. Slow and simple on purpose.

import { GPT2_EOS_TOKEN_ID, type TinyGpt2Params } from '../../src/model/tiny-gpt2/params.ts';
import type { NamedTensor, TinyGpt2Weights } from '../../src/model/tiny-gpt2/weights.ts';

type Matrix = number[][];

const layerNorm = (x: Matrix, gain: NamedTensor, bias: NamedTensor): Matrix =>
  x.map((row) => {
    const mean = row.reduce((a, b) => a + b, 0) / row.length;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
    return row.map((v, i) => ((v - mean) / Math.sqrt(variance + 1e-5)) * gain.data[i]! + bias.data[i]!);
  });

/** x [n, in] · weight [in, out] + bias. */
const linear = (x: Matrix, weight: NamedTensor, bias: NamedTensor): Matrix => {
  const [inputs, outputs] = weight.dims as [number, number];
  return x.map((row) => {
    const out = Array.from({ length: outputs }, (_, j) => bias.data[j]!);
    for (let i = 0; i < inputs; i++) for (let j = 0; j < outputs; j++) out[j]! += row[i]! * weight.data[i * outputs + j]!;
    return out;
  });
};

const gelu = (v: number): number => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));

/** Next-token logits at the last position of `tokens`. */
export function referenceLogits(p: TinyGpt2Params, w: TinyGpt2Weights, tokens: readonly number[]): Float64Array {
  const e = p.width;
  const d = e / p.heads;
  let x: Matrix = tokens.map((t, pos) => Array.from({ length: e }, (_, i) => w.wte.data[t * e + i]! + w.wpe.data[pos * e + i]!));
  for (const b of w.blocks) {
    const qkv = linear(layerNorm(x, b.ln1Gain, b.ln1Bias), b.attnWeight, b.attnBias);
    const context: Matrix = x.map(() => new Array<number>(e).fill(0));
    for (let h = 0; h < p.heads; h++) {
      for (let s = 0; s < tokens.length; s++) {
        // Causal: position s sees positions 0..s.
        const scores = Array.from({ length: s + 1 }, (_, t) => {
          let dot = 0;
          for (let k = 0; k < d; k++) dot += qkv[s]![h * d + k]! * qkv[t]![e + h * d + k]!;
          return dot / Math.sqrt(d);
        });
        const max = Math.max(...scores);
        const exps = scores.map((v) => Math.exp(v - max));
        const sum = exps.reduce((a, c) => a + c, 0);
        for (let t = 0; t <= s; t++) {
          for (let k = 0; k < d; k++) context[s]![h * d + k]! += (exps[t]! / sum) * qkv[t]![2 * e + h * d + k]!;
        }
      }
    }
    const attended = linear(context, b.attnProjWeight, b.attnProjBias);
    x = x.map((row, s) => row.map((v, i) => v + attended[s]![i]!));
    const hidden = linear(layerNorm(x, b.ln2Gain, b.ln2Bias), b.fcWeight, b.fcBias).map((row) => row.map(gelu));
    const mlp = linear(hidden, b.mlpProjWeight, b.mlpProjBias);
    x = x.map((row, s) => row.map((v, i) => v + mlp[s]![i]!));
  }
  const last = layerNorm([x[x.length - 1]!], w.lnFinalGain, w.lnFinalBias)[0]!;
  const vocab = w.wte.dims[0]!;
  const logits = new Float64Array(vocab);
  for (let v = 0; v < vocab; v++) {
    let dot = 0;
    for (let i = 0; i < e; i++) dot += last[i]! * w.wte.data[v * e + i]!;
    logits[v] = dot;
  }
  logits[GPT2_EOS_TOKEN_ID]! += p.eosLogitBias;
  return logits;
}
