// Model benchmark: the tiny GPT-2 through transformers.js (CPU, fp32), as the token source runs it.
// Each round prefills fresh 64-token prompts, then decodes STEPS tokens per sequence through the
// KV cache; the figure per batch size is the median round (this machine's neighbours are noisy).
// Also timed: building the model folder (0 when cached) and loading it (model + tokenizer).
// Target: ≥ 1,000 generated tokens/s at batch 8.

import { pathToFileURL } from 'node:url';
import { ensureTinyModel } from '../src/model/tiny-gpt2/cache.ts';
import { createTransformersSource } from '../src/model/transformers-source.ts';
import { createPrng } from '../src/prng.ts';
import { printTable } from './measure.ts';

const PROMPT_TOKENS = 64;
const STEPS = 64;
const ROUNDS = 7;
const BATCHES = [1, 8, 32] as const;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchModel(): Promise<Record<string, number>> {
  let t = performance.now();
  const tiny = await ensureTinyModel();
  const buildMs = tiny.built ? performance.now() - t : 0;
  t = performance.now();
  const source = await createTransformersSource({ model: tiny.dir, name: 'tiny-gpt2' });
  const loadMs = performance.now() - t;

  const rand = createPrng(11);
  const prompt = (): number[] => Array.from({ length: PROMPT_TOKENS }, () => Math.floor(rand() * 50256));
  const figures: Record<string, number> = { buildMs, loadMs };
  const rows: Record<string, string | number>[] = [];
  let round = 0;
  for (const size of BATCHES) {
    const prefillMs: number[] = [];
    const stepMs: number[] = [];
    // One warm-up round, then ROUNDS timed ones.
    for (let r = 0; r <= ROUNDS; r++, round++) {
      const batch = Array.from({ length: size }, (_, i) => ({ requestId: `r${round}-${i}`, tokens: prompt() }));
      const append = (next: readonly number[]): void => next.forEach((token, i) => batch[i]!.tokens.push(token));
      t = performance.now();
      append(await source.next(batch));
      const prefilled = performance.now();
      for (let s = 1; s < STEPS; s++) append(await source.next(batch));
      const done = performance.now();
      for (const { requestId } of batch) source.release(requestId);
      if (r === 0) continue;
      prefillMs.push(prefilled - t);
      stepMs.push((done - prefilled) / (STEPS - 1));
    }
    const ms = median(stepMs);
    figures[`batch${size}PrefillMs`] = median(prefillMs);
    figures[`batch${size}StepMs`] = ms;
    figures[`batch${size}TokensPerSecond`] = (size * 1000) / ms;
    rows.push({
      batch: size,
      'prefill (64 tokens each)': `${median(prefillMs).toFixed(2)} ms`,
      'decode step': `${ms.toFixed(2)} ms (best ${Math.min(...stepMs).toFixed(2)})`,
      'generated tokens/s': Math.round((size * 1000) / ms).toLocaleString('en-US'),
      target: size === 8 ? '≥ 1,000' : '',
    });
  }
  await source.dispose();
  printTable(`model: tiny GPT-2 (2 × 64, vocab 50,257), build ${buildMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms`, rows);
  return figures;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchModel();
