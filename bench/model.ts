// Model benchmark: the tiny GPT-2 (CPU, fp32) on its two decode paths: in place (its own decode
// graph on a cache kept in place, the default) and through transformers.js (as hub models run).
// Each round prefills fresh prompts, then decodes STEPS tokens per sequence through the KV cache;
// the figure per case is the median round (this machine's neighbours are noisy). Also timed:
// building the model folder (0 when cached) and loading it (model, tokenizer, decode graph).
// Target: ≥ 1,000 generated tokens/s at batch 8.

import { pathToFileURL } from 'node:url';
import { ensureTinyModel } from '../src/model/tiny-gpt2/cache.ts';
import { createTinySource } from '../src/model/tiny-source.ts';
import type { ModelTokenSource } from '../src/model/transformers-source.ts';
import { createPrng } from '../src/prng.ts';
import { printTable } from './measure.ts';

const STEPS = 64;
const ROUNDS = 7;
/** [rows, prompt tokens]: short prompts, and rag.ts' ~700 cached tokens. */
const CASES = [
  [1, 64],
  [8, 64],
  [32, 64],
  [2, 700],
] as const;
const PATHS = [
  ['in place', true],
  ['transformers.js', false],
] as const;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timeCase(source: ModelTokenSource, rows: number, promptTokens: number, rand: () => number, tag: string): Promise<{ prefillMs: number; stepMs: number }> {
  const prompt = (): number[] => Array.from({ length: promptTokens }, () => Math.floor(rand() * 50256));
  const prefillMs: number[] = [];
  const stepMs: number[] = [];
  // One warm-up round, then ROUNDS timed ones.
  for (let r = 0; r <= ROUNDS; r++) {
    const batch = Array.from({ length: rows }, (_, i) => ({ requestId: `${tag}-${r}-${i}`, tokens: prompt() }));
    const append = (next: readonly number[]): void => next.forEach((token, i) => batch[i]!.tokens.push(token));
    const t = performance.now();
    append(await source.next(batch));
    const prefilled = performance.now();
    for (let s = 1; s < STEPS; s++) append(await source.next(batch));
    const done = performance.now();
    for (const { requestId } of batch) source.release(requestId);
    if (r === 0) continue;
    prefillMs.push(prefilled - t);
    stepMs.push((done - prefilled) / (STEPS - 1));
  }
  return { prefillMs: median(prefillMs), stepMs: median(stepMs) };
}

export async function benchModel(): Promise<Record<string, number>> {
  let t = performance.now();
  const tiny = await ensureTinyModel();
  const buildMs = tiny.built ? performance.now() - t : 0;
  const figures: Record<string, number> = { buildMs };
  const rows: Record<string, string | number>[] = [];
  for (const [path, inPlace] of PATHS) {
    t = performance.now();
    const source = await createTinySource({ decodeInPlace: inPlace });
    const key = inPlace ? '' : 'transformers';
    figures[`${key}loadMs`] = performance.now() - t;
    const rand = createPrng(11);
    for (const [size, promptTokens] of CASES) {
      const { prefillMs, stepMs } = await timeCase(source, size, promptTokens, rand, key);
      const name = `${key}batch${size}x${promptTokens}`;
      figures[`${name}PrefillMs`] = prefillMs;
      figures[`${name}StepMs`] = stepMs;
      figures[`${name}TokensPerSecond`] = (size * 1000) / stepMs;
      rows.push({
        path,
        batch: size,
        'prompt tokens': promptTokens,
        prefill: `${prefillMs.toFixed(2)} ms`,
        'decode step': `${stepMs.toFixed(2)} ms`,
        'generated tokens/s': Math.round((size * 1000) / stepMs).toLocaleString('en-US'),
        target: size === 8 ? '≥ 1,000' : '',
      });
    }
    await source.dispose();
  }
  printTable(`model: tiny GPT-2 (2 × 64, vocab 50,257), build ${buildMs.toFixed(0)} ms, load ${figures['loadMs']!.toFixed(0)} ms (transformers.js path ${figures['transformersloadMs']!.toFixed(0)} ms)`, rows);
  return figures;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchModel();
