// One batched forward of a causal LM through transformers.js, in the two shapes a token source
// needs: a prefill of whole prompts (left-padded into one batch, fed in column chunks through the
// KV cache) and a decode step of one token per row on top of a KvBatch. Both take the greedy
// (argmax, lowest id on ties) next token of every row: in the graph when it has a `next_token`
// output (the tiny GPT-2), so that 50,257 logits per row never cross into JS; else here.

import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import type { KvBatch, KvTensor } from './kv-batch.ts';

export interface StepResult {
  /** The next token of each row. */
  readonly tokens: readonly number[];
  /** Each row's next-token logits: row r at [r·vocab, (r+1)·vocab); empty unless asked for or needed. */
  readonly logits: Float32Array;
  readonly vocab: number;
  /** The K/V of every row after the step (the fed tokens included). */
  readonly kv: KvBatch;
}

const PAD_TOKEN = 0; // any valid id: padded positions are masked out

function int64(values: ArrayLike<number>, dims: number[]): Tensor {
  const data = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!);
  return new Tensor('int64', data, dims);
}

/** The mask [rows, width]: 0 on each row's first pads[r] positions, 1 after. */
function leftPaddedMask(pads: readonly number[], width: number): Tensor {
  const mask = new Array<number>(pads.length * width).fill(1);
  pads.forEach((pad, r) => mask.fill(0, r * width, r * width + Math.min(pad, width)));
  return int64(mask, [pads.length, width]);
}

/** A tensor as both transformers.js and onnxruntime present them. */
interface OutputTensor {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
}

/** The part of onnxruntime's session this file calls. */
interface Session {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>, fetches: readonly string[]): Promise<Record<string, OutputTensor>>;
}

const NEXT_TOKEN = 'next_token';

/**
 * Runs the model on `inputs`. With `logits` false and a graph that takes the argmax itself, the
 * session runs directly and fetches only `next_token` and the cache; else through transformers.js.
 */
async function run(
  model: PreTrainedModel,
  inputs: Record<string, Tensor | Record<string, Tensor> | undefined>,
  logits: boolean,
): Promise<{ outputs: Record<string, OutputTensor>; tokens: number[] | null }> {
  const session = (model.sessions as Record<string, Session | undefined>)['model'];
  const keep = int64([1], []);
  if (logits || session === undefined || !session.outputNames.includes(NEXT_TOKEN)) {
    return { outputs: (await model.forward({ ...inputs, num_logits_to_keep: keep })) as Record<string, OutputTensor>, tokens: null };
  }
  const feeds: Record<string, unknown> = {};
  const add = (name: string, t: Tensor) => (feeds[name] = (t as unknown as { ort_tensor: unknown }).ort_tensor);
  for (const [name, value] of Object.entries({ ...inputs, num_logits_to_keep: keep })) {
    if (value instanceof Tensor) add(name, value);
    else if (value !== undefined) for (const [past, t] of Object.entries(value as Record<string, Tensor>)) add(past, t);
  }
  // transformers.js feeds an empty cache where none is given; so must a direct run.
  const rows = (inputs['input_ids'] as Tensor).dims[0]!;
  for (const name of session.inputNames) if (!(name in feeds) && name.startsWith('past_key_values')) add(name, emptyPast(model, rows));
  const outputs = await session.run(feeds, session.outputNames.filter((n) => n !== 'logits'));
  const next = outputs[NEXT_TOKEN]!.data as BigInt64Array;
  return { outputs, tokens: Array.from(next, Number) };
}

/** A cache input holding no positions yet: [rows, heads, 0, head dim]. */
function emptyPast(model: PreTrainedModel, rows: number): Tensor {
  const config = model.config as unknown as Record<string, number | undefined>;
  const heads = config['n_head'] ?? config['num_attention_heads'] ?? 0;
  const width = config['n_embd'] ?? config['hidden_size'] ?? 0;
  if (heads <= 0 || width <= 0) throw new TypeError("the model's config gives no head count or width: cannot build an empty cache");
  return new Tensor('float32', new Float32Array(0), [rows, heads, 0, width / heads]);
}

/** The tokens of a step: from the graph's argmax when it took it, else from the logits. */
function tokensOf(result: { outputs: Record<string, OutputTensor>; tokens: number[] | null }, rows: number): { tokens: number[]; logits: Float32Array; vocab: number } {
  if (result.tokens !== null) return { tokens: result.tokens, logits: new Float32Array(0), vocab: 0 };
  const logits = result.outputs['logits'];
  if (logits === undefined) throw new TypeError('the model returned no logits');
  return lastLogits(logits, rows);
}

/** The outputs' `present.*` as the next step's `past_key_values.*`. */
function presentAsPast(outputs: Record<string, OutputTensor>, pads: readonly number[]): KvBatch {
  const tensors = new Map<string, KvTensor>();
  let length = -1;
  for (const [name, tensor] of Object.entries(outputs)) {
    if (!name.startsWith('present')) continue;
    if (tensor.type !== 'float32') throw new TypeError(`cache output '${name}' is ${tensor.type}; only float32 caches are supported`);
    const [, heads, time, headDim] = tensor.dims as [number, number, number, number];
    length = time;
    tensors.set(name.replace('present', 'past_key_values'), { data: tensor.data as Float32Array, heads, headDim });
  }
  if (tensors.size === 0) throw new TypeError('the model returns no present.* outputs: it cannot keep a KV cache');
  return { tensors, rows: pads.length, length, pads };
}

function pastInputs(kv: KvBatch): Record<string, Tensor> {
  const past: Record<string, Tensor> = {};
  for (const [name, t] of kv.tensors) past[name] = new Tensor('float32', t.data, [kv.rows, t.heads, kv.length, t.headDim]);
  return past;
}

/** Argmax of the last position of each row of logits [rows, positions, vocab]. */
function lastLogits(logits: OutputTensor, rows: number): { tokens: number[]; logits: Float32Array; vocab: number } {
  const [, positions, vocab] = logits.dims as [number, number, number];
  const data = logits.data as Float32Array;
  const kept = positions === 1 ? data : new Float32Array(rows * vocab);
  if (positions !== 1) {
    for (let r = 0; r < rows; r++) kept.set(data.subarray(((r + 1) * positions - 1) * vocab, (r + 1) * positions * vocab), r * vocab);
  }
  const tokens: number[] = [];
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let v = 0, at = r * vocab; v < vocab; v++, at++) {
      if (kept[at]! > bestValue) {
        bestValue = kept[at]!;
        best = v;
      }
    }
    tokens.push(best);
  }
  return { tokens, logits: kept, vocab };
}

/**
 * Prefills each prompt from scratch, or one prompt from the K/V of its first `prefix.length`
 * tokens. Prompts are right-aligned (left padding); position ids count each row's own tokens, so
 * a row's result does not depend on the others. The padded columns go through the model `chunk`
 * at a time, each chunk attending to the cache of the ones before.
 */
export async function prefill(
  model: PreTrainedModel,
  prompts: readonly (readonly number[])[],
  chunk: number,
  logits = false,
  prefix?: KvBatch,
): Promise<StepResult> {
  const rows = prompts.length;
  const width = Math.max(...prompts.map((p) => p.length));
  const pads = prompts.map((p) => width - p.length);
  if (prefix !== undefined && (rows !== 1 || prefix.rows !== 1 || prefix.pads[0] !== 0 || prefix.length >= width)) {
    throw new RangeError('a prefix goes with one prompt longer than it, and has no padding');
  }
  let kv: KvBatch | undefined = prefix;
  let result: Awaited<ReturnType<typeof run>> | undefined;
  for (let from = prefix?.length ?? 0; from < width; from += chunk) {
    const to = Math.min(width, from + chunk);
    const ids: number[] = [];
    const positions: number[] = [];
    prompts.forEach((prompt, r) => {
      for (let c = from; c < to; c++) {
        ids.push(c < pads[r]! ? PAD_TOKEN : prompt[c - pads[r]!]!);
        positions.push(Math.max(0, c - pads[r]!));
      }
    });
    result = await run(
      model,
      {
        input_ids: int64(ids, [rows, to - from]),
        attention_mask: leftPaddedMask(pads, to),
        position_ids: int64(positions, [rows, to - from]),
        past_key_values: kv === undefined ? undefined : pastInputs(kv),
      },
      logits,
    );
    kv = presentAsPast(result.outputs, pads);
  }
  if (result === undefined || kv === undefined) throw new RangeError('prefill of an empty prompt');
  return { ...tokensOf(result, rows), kv };
}

/** Feeds one token per row on top of `kv` (row r's next token is `tokens[r]`). */
export async function decodeStep(model: PreTrainedModel, kv: KvBatch, tokens: readonly number[], logits = false): Promise<StepResult> {
  const result = await run(
    model,
    {
      input_ids: int64(tokens, [kv.rows, 1]),
      attention_mask: leftPaddedMask(kv.pads, kv.length + 1),
      position_ids: int64(kv.pads.map((pad) => kv.length - pad), [kv.rows, 1]),
      past_key_values: pastInputs(kv),
    },
    logits,
  );
  return { ...tokensOf(result, kv.rows), kv: presentAsPast(result.outputs, kv.pads) };
}
