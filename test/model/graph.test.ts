// The ONNX graph, run through transformers.js, against GPT-2's math (reference-gpt2.ts) and
// against itself: through the KV cache, with padding, and with num_logits_to_keep.

import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPretrained } from '../../src/model/load-pretrained.ts';
import type { TinyGpt2Params } from '../../src/model/tiny-gpt2/params.ts';
import { drawWeights, type TinyGpt2Weights } from '../../src/model/tiny-gpt2/weights.ts';
import { makeTokens, maxAbsDiff, removeTempDirs, tinyModel } from './fixtures.ts';
import { referenceLogits } from './reference-gpt2.ts';

const VOCAB = 50257;
const int64 = (values: readonly number[], dims: number[]): Tensor => new Tensor('int64', BigInt64Array.from(values, BigInt), dims);

let model: PreTrainedModel;
let params: TinyGpt2Params;
let weights: TinyGpt2Weights;

beforeAll(async () => {
  const tiny = await tinyModel();
  params = tiny.params;
  weights = drawWeights(params);
  model = (await loadPretrained('tiny-gpt2', { kind: 'folder', dir: tiny.dir })).model;
});
afterAll(async () => {
  await model.dispose();
  removeTempDirs();
});

interface Forward {
  readonly logits: Float32Array;
  readonly positions: number;
  readonly past: Record<string, Tensor>;
}

/** One forward of one row; `pad` masked-out positions go before the tokens. */
async function forward(tokens: readonly number[], options: { past?: Record<string, Tensor>; pastLength?: number; keep?: number; pad?: number } = {}): Promise<Forward> {
  const pastLength = options.pastLength ?? 0;
  const pad = options.pad ?? 0;
  const n = pad + tokens.length;
  const outputs = (await model.forward({
    input_ids: int64([...new Array<number>(pad).fill(0), ...tokens], [1, n]),
    attention_mask: int64([...new Array<number>(pad).fill(0), ...new Array<number>(pastLength + tokens.length).fill(1)], [1, pastLength + n]),
    position_ids: int64([...new Array<number>(pad).fill(0), ...tokens.map((_, i) => pastLength + i)], [1, n]),
    num_logits_to_keep: int64([options.keep ?? 0], []),
    past_key_values: options.past,
  })) as Record<string, Tensor>;
  const past: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(outputs)) if (name.startsWith('present')) past[name.replace('present', 'past_key_values')] = t;
  const logits = outputs['logits']!;
  return { logits: logits.data as Float32Array, positions: logits.dims[1]!, past };
}

const row = (f: Forward, position: number): Float32Array => f.logits.subarray(position * VOCAB, (position + 1) * VOCAB);

describe('tiny GPT-2 graph', () => {
  it('computes GPT-2: logits at every position equal a plain float64 implementation', async () => {
    const tokens = makeTokens(9, 1);
    const full = await forward(tokens);
    expect(full.positions).toBe(tokens.length);
    for (const n of [1, 4, 9]) {
      const expected = referenceLogits(params, weights, tokens.slice(0, n));
      expect(maxAbsDiff(row(full, n - 1), expected), `position ${n - 1}`).toBeLessThan(1e-4);
    }
  });

  it('keeps only the last num_logits_to_keep positions (0 keeps all)', async () => {
    const tokens = makeTokens(6, 2);
    const all = await forward(tokens, { keep: 0 });
    const last = await forward(tokens, { keep: 1 });
    const two = await forward(tokens, { keep: 2 });
    expect([all.positions, last.positions, two.positions]).toEqual([6, 1, 2]);
    expect(maxAbsDiff(row(last, 0), row(all, 5))).toBe(0);
    expect(maxAbsDiff(row(two, 0), row(all, 4))).toBe(0);
  });

  it('gives the same logits through the KV cache, one token or several at a time, as a recompute', async () => {
    const tokens = makeTokens(12, 3);
    const full = await forward(tokens);
    // 5 tokens, then 1, then 4 at once on top of the cache, then 1 and 1.
    const cuts = [5, 6, 10, 11, 12];
    let done = 0;
    let past: Record<string, Tensor> | undefined;
    for (const cut of cuts) {
      const step = await forward(tokens.slice(done, cut), { ...(past === undefined ? {} : { past }), pastLength: done });
      for (let s = 0; s < cut - done; s++) {
        expect(maxAbsDiff(row(step, s), row(full, done + s)), `position ${done + s}`).toBeLessThan(1e-4);
      }
      expect(step.past['past_key_values.0.key']!.dims).toEqual([1, params.heads, cut, params.width / params.heads]);
      past = step.past;
      done = cut;
    }
  });

  it('ignores masked positions: a left-padded row equals the unpadded one, with finite padding K/V', async () => {
    const tokens = makeTokens(7, 4);
    const plain = await forward(tokens, { keep: 1 });
    const padded = await forward(tokens, { keep: 1, pad: 5 });
    expect(maxAbsDiff(row(padded, 0), row(plain, 0))).toBeLessThan(1e-4);
    for (const t of Object.values(padded.past)) expect((t.data as Float32Array).every(Number.isFinite)).toBe(true);
    // And one more token on top of the padded cache still agrees.
    const next = [...tokens, 42];
    const plainNext = await forward(next, { keep: 1 });
    const outputs = (await model.forward({
      input_ids: int64([42], [1, 1]),
      attention_mask: int64([0, 0, 0, 0, 0, ...new Array<number>(8).fill(1)], [1, 13]),
      position_ids: int64([7], [1, 1]),
      num_logits_to_keep: int64([1], []),
      past_key_values: padded.past,
    })) as Record<string, Tensor>;
    expect(maxAbsDiff(outputs['logits']!.data as Float32Array, row(plainNext, 0))).toBeLessThan(1e-4);
  });

  it('varies its tokens: greedy decoding of different prompts does not collapse to one token', async () => {
    const firsts = new Set<number>();
    for (let salt = 0; salt < 8; salt++) {
      const { logits } = await forward(makeTokens(5, salt), { keep: 1 });
      let best = 0;
      for (let v = 1; v < VOCAB; v++) if (logits[v]! > logits[best]!) best = v;
      firsts.add(best);
    }
    expect(firsts.size).toBeGreaterThanOrEqual(6);
  });
});
