// Seeded float32 weights of a tiny GPT-2, drawn in one fixed order from the project's PRNG, so the
// same parameters give the same bits on every run and platform.

import { createPrng } from '../../prng.ts';
import { GPT2_VOCAB_SIZE, type TinyGpt2Params } from './params.ts';

export interface NamedTensor {
  /** GPT-2's parameter name, e.g. 'h.0.attn.c_attn.weight'. */
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** The weights of one transformer block, in GPT-2's layout (Conv1D: weight is [in, out]). */
export interface BlockWeights {
  readonly ln1Gain: NamedTensor;
  readonly ln1Bias: NamedTensor;
  readonly attnWeight: NamedTensor;
  readonly attnBias: NamedTensor;
  readonly attnProjWeight: NamedTensor;
  readonly attnProjBias: NamedTensor;
  readonly ln2Gain: NamedTensor;
  readonly ln2Bias: NamedTensor;
  readonly fcWeight: NamedTensor;
  readonly fcBias: NamedTensor;
  readonly mlpProjWeight: NamedTensor;
  readonly mlpProjBias: NamedTensor;
}

export interface TinyGpt2Weights {
  /** Token embeddings [vocab, width]; also the LM head (tied). */
  readonly wte: NamedTensor;
  /** Position embeddings [positions, width]. */
  readonly wpe: NamedTensor;
  readonly blocks: readonly BlockWeights[];
  readonly lnFinalGain: NamedTensor;
  readonly lnFinalBias: NamedTensor;
}

/**
 * Draws every weight. Matrices and embeddings are uniform on ±std·√3 (standard deviation `std`):
 * NOTE: uniform rather than normal, because Box–Muller needs log and cos, whose last bit is not
 * guaranteed across platforms; additions and multiplications are.
 */
export function drawWeights(p: TinyGpt2Params): TinyGpt2Weights {
  const next = createPrng(p.seed);
  const halfWidth = p.weightStd * Math.sqrt(3);
  const random = (name: string, dims: number[]): NamedTensor => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (2 * next() - 1) * halfWidth;
    return { name, dims, data };
  };
  const constant = (name: string, dims: number[], value: number): NamedTensor => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    data.fill(value);
    return { name, dims, data };
  };
  const e = p.width;
  const wte = random('wte.weight', [GPT2_VOCAB_SIZE, e]);
  const wpe = random('wpe.weight', [p.positions, e]);
  const blocks: BlockWeights[] = [];
  for (let i = 0; i < p.layers; i++) {
    const h = `h.${i}`;
    blocks.push({
      ln1Gain: constant(`${h}.ln_1.weight`, [e], 1),
      ln1Bias: constant(`${h}.ln_1.bias`, [e], 0),
      attnWeight: random(`${h}.attn.c_attn.weight`, [e, 3 * e]),
      attnBias: constant(`${h}.attn.c_attn.bias`, [3 * e], 0),
      attnProjWeight: random(`${h}.attn.c_proj.weight`, [e, e]),
      attnProjBias: constant(`${h}.attn.c_proj.bias`, [e], 0),
      ln2Gain: constant(`${h}.ln_2.weight`, [e], 1),
      ln2Bias: constant(`${h}.ln_2.bias`, [e], 0),
      fcWeight: random(`${h}.mlp.c_fc.weight`, [e, 4 * e]),
      fcBias: constant(`${h}.mlp.c_fc.bias`, [4 * e], 0),
      mlpProjWeight: random(`${h}.mlp.c_proj.weight`, [4 * e, e]),
      mlpProjBias: constant(`${h}.mlp.c_proj.bias`, [e], 0),
    });
  }
  return {
    wte,
    wpe,
    blocks,
    lnFinalGain: constant('ln_f.weight', [e], 1),
    lnFinalBias: constant('ln_f.bias', [e], 0),
  };
}
