import { Tensor, type PreTrainedModel } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPretrained } from '../../src/model/load-pretrained.ts';
import { createTinySource, type TinySourceOptions } from '../../src/model/tiny-source.ts';
import type { ModelTokenSource } from '../../src/model/transformers-source.ts';
import { expectRefusals, makeSequence, makeTokens, maxAbsDiff, removeTempDirs, testCacheDir, tinyModel } from './fixtures.ts';

const EOS = 50256;
const sources: ModelTokenSource[] = [];

/** A tiny source on this file's model folder, on the transformers.js path (as a hub model); disposed after the file. */
async function makeSource(options: TinySourceOptions = {}): Promise<ModelTokenSource> {
  const source = await createTinySource({ cacheDir: testCacheDir(), decodeInPlace: false, ...options });
  sources.push(source);
  return source;
}

/** Runs `steps` decode calls on the batch, appending each answer; returns the generated tokens per sequence. */
async function generate(source: ModelTokenSource, batch: { requestId: string; tokens: number[] }[], steps: number): Promise<number[][]> {
  const generated = batch.map(() => [] as number[]);
  for (let s = 0; s < steps; s++) {
    const next = await source.next(batch);
    next.forEach((t, i) => {
      batch[i]!.tokens.push(t);
      generated[i]!.push(t);
    });
  }
  return generated;
}

/** Each sequence generated alone on a fresh source. */
async function oneByOne(prompts: readonly number[][], steps: number): Promise<number[][]> {
  const source = await makeSource();
  const out: number[][] = [];
  for (const [i, prompt] of prompts.entries()) out.push((await generate(source, [{ requestId: `alone-${i}`, tokens: [...prompt] }], steps))[0]!);
  return out;
}

let model: PreTrainedModel;

beforeAll(async () => {
  const { dir } = await tinyModel();
  model = (await loadPretrained('tiny-gpt2', { kind: 'folder', dir })).model;
});
afterAll(async () => {
  await Promise.all([model.dispose(), ...sources.map((s) => s.dispose())]);
  removeTempDirs();
});

/** Next-token logits of `tokens` recomputed from scratch, without any cache. */
async function recompute(tokens: readonly number[]): Promise<Float32Array> {
  const n = tokens.length;
  const int64 = (values: readonly number[], dims: number[]) => new Tensor('int64', BigInt64Array.from(values, BigInt), dims);
  const out = (await model.forward({
    input_ids: int64(tokens, [1, n]),
    attention_mask: int64(new Array<number>(n).fill(1), [1, n]),
    position_ids: int64(tokens.map((_, i) => i), [1, n]),
    num_logits_to_keep: int64([1], []),
  })) as Record<string, Tensor>;
  return out['logits']!.data as Float32Array;
}

describe('transformers token source (tiny GPT-2)', () => {
  it('decodes through its KV cache exactly as a recompute without cache: same tokens, logits within 1e-4', async () => {
    const seen = new Map<string, Float32Array[]>();
    const source = await makeSource({ onLogits: (id, logits) => seen.set(id, [...(seen.get(id) ?? []), Float32Array.from(logits)]) });
    const prompts = [makeTokens(5, 1), makeTokens(23, 2), makeTokens(11, 3)];
    const batch = prompts.map((p, i) => makeSequence(`kv-${i}`, p) as { requestId: string; tokens: number[] });
    const generated = await generate(source, batch, 8);
    for (const [i, prompt] of prompts.entries()) {
      for (let step = 0; step < 8; step++) {
        const context = [...prompt, ...generated[i]!.slice(0, step)];
        const expected = await recompute(context);
        const argmax = expected.indexOf(Math.max(...expected));
        expect(generated[i]![step], `sequence ${i}, step ${step}: token`).toBe(argmax);
        expect(maxAbsDiff(seen.get(`kv-${i}`)![step]!, expected), `sequence ${i}, step ${step}: logits`).toBeLessThan(1e-4);
      }
    }
    expect(source.stats()).toMatchObject({ prefills: 3, recomputes: 0, decodeTokens: 21 });
  });

  it('takes the argmax in the graph: the same tokens as the argmax of the logits it fetches when asked for them', async () => {
    const prompts = [makeTokens(7, 1), makeTokens(30, 2), makeTokens(18, 3)];
    const batch = () => prompts.map((tokens, i) => ({ requestId: `g${i}`, tokens: [...tokens] }));
    let seen = 0;
    const withLogits = await makeSource({ onLogits: () => seen++ });
    const inGraph = await generate(await makeSource(), batch(), 20);
    expect(await generate(withLogits, batch(), 20)).toEqual(inGraph);
    expect(seen, 'the slow path really ran: logits were fetched for every token').toBe(3 * 20);
  });

  it('answers a batch of sequences of different lengths as it answers each one alone', async () => {
    const prompts = [makeTokens(3, 4), makeTokens(40, 5), makeTokens(17, 6), makeTokens(64, 7), makeTokens(1, 8)];
    const source = await makeSource();
    const batched = await generate(source, prompts.map((p, i) => ({ requestId: `b-${i}`, tokens: [...p] })), 10);
    expect(batched).toEqual(await oneByOne(prompts, 10));
    expect(new Set(batched.flat()).size, 'the tokens vary').toBeGreaterThan(10);
    // One copy into a shared layout (prefill → first decode); later steps reuse the layout.
    expect(source.stats().gathers).toBe(1);
  });

  it('stays exact while sequences join and leave the batch between steps', async () => {
    const prompts = [makeTokens(9, 10), makeTokens(30, 11), makeTokens(4, 12), makeTokens(50, 13)];
    const expected = await oneByOne(prompts, 9);
    const source = await makeSource();
    const live = new Map<number, { requestId: string; tokens: number[] }>();
    const generated = prompts.map(() => [] as number[]);
    // Sequence i runs over steps [start, start + 9); step k sends every live sequence in index order.
    const starts = [0, 0, 3, 5];
    for (let step = 0; step <= 14; step++) {
      prompts.forEach((p, i) => {
        if (step === starts[i]) live.set(i, { requestId: `j-${i}`, tokens: [...p] });
        if (step === starts[i]! + 9) {
          live.delete(i);
          source.release(`j-${i}`);
        }
      });
      const order = [...live.keys()].sort((a, b) => a - b);
      const next = await source.next(order.map((i) => live.get(i)!));
      next.forEach((t, k) => {
        live.get(order[k]!)!.tokens.push(t);
        generated[order[k]!]!.push(t);
      });
    }
    expect(generated).toEqual(expected);
    expect(source.cachedSequences, 'released sequences are forgotten').toBe(0);
  });

  it('prefills a long prompt in chunks through the cache with the same result as at once', async () => {
    const seen: Float32Array[] = [];
    const chunked = await makeSource({ attentionBudget: 4 * 4 * 100, onLogits: (_, l) => seen.push(Float32Array.from(l)) });
    const whole = await makeSource({ onLogits: (_, l) => seen.push(Float32Array.from(l)) });
    const prompt = makeTokens(100, 14);
    const a = await chunked.next([makeSequence('c', prompt)]);
    const b = await whole.next([makeSequence('c', prompt)]);
    expect(a).toEqual(b);
    expect(chunked.stats().forwards, '100 columns, 4 at a time').toBe(25);
    expect(whole.stats().forwards).toBe(1);
    expect(maxAbsDiff(seen[0]!, seen[1]!)).toBeLessThan(1e-4);
  });

  it('recomputes from scratch a sequence whose tokens do not extend its cache (re-sent, changed, cut)', async () => {
    const source = await makeSource();
    const fresh = await makeSource();
    const seq = { requestId: 'p', tokens: makeTokens(12, 15) };
    await generate(source, [seq], 4);
    const answer = async (tokens: number[], id: string) => (await fresh.next([makeSequence(id, tokens)]))[0];
    const sent = seq.tokens.slice(0, -1); // what the last call sent
    const cases: [string, number[]][] = [
      ['re-sent without a new token (the engine repeated a step)', sent],
      ['changed in the middle', sent.map((t, i) => (i === 3 ? 999 : t))],
      ['cut short', sent.slice(0, 7)],
      ['two tokens longer than its cache', [...sent, 5, 6]],
    ];
    for (const [i, [what, tokens]] of cases.entries()) {
      const [token] = await source.next([makeSequence('p', tokens)]);
      expect(token, what).toBe(await answer(tokens, `fresh-${i}`));
      expect(source.stats().recomputes, what).toBe(i + 1);
    }
    // After a preemption the engine releases the sequence and later sends it whole: a plain prefill.
    source.release('p');
    const [token] = await source.next([makeSequence('p', seq.tokens)]);
    expect(token).toBe(await answer(seq.tokens, 'fresh-whole'));
    expect(source.stats()).toMatchObject({ recomputes: 4, prefills: 6 });
  });

  it('ends text: its end-of-text id is 50256, and a model biased towards it emits it mid-sequence', async () => {
    const source = await makeSource({ eosLogitBias: 8 });
    expect(source.eosTokenId).toBe(EOS);
    const prompts = ['The quick brown fox', 'Once upon a time', 'Hello world', 'In 1990, the city of'].map((t) => source.encode(t));
    const generated = await generate(source, prompts.map((p, i) => ({ requestId: `e-${i}`, tokens: p })), 32);
    const firstEos = generated.map((g) => g.indexOf(EOS));
    expect(firstEos.some((at) => at > 0), `first end-of-text per sequence: ${firstEos.join(', ')}`).toBe(true);
    const plain = await makeSource();
    expect(plain.eosTokenId).toBe(EOS);
  });

  it('encodes and decodes text with GPT-2 tokenizer', async () => {
    const source = await makeSource();
    expect(source.encode('Hello world')).toEqual([15496, 995]);
    expect(source.decode([15496, 995])).toBe('Hello world');
    expect(source.decode([])).toBe('');
    expect(source.name).toBe('tiny-gpt2');
    expect(source.contextLength).toBe(8192);
  });

  it('frees a released sequence, even one released while its step runs', async () => {
    const source = await makeSource();
    const pending = source.next([makeSequence('x', makeTokens(8)), makeSequence('y', makeTokens(9))]);
    source.release('x');
    await pending;
    expect(source.cachedSequences).toBe(1);
    source.release('y');
    expect(source.cachedSequences).toBe(0);
  });

  it('refuses batches it cannot answer, naming the sequence, and keeps its caches', async () => {
    await expectRefusals(await makeSource());
  });
});
