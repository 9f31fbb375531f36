// `--model tiny|dummy|<hub id>|<folder>`: one function from a model name to a token source.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDummyTokenSource } from './dummy.ts';
import { ModelLoadError } from './errors.ts';
import { DEFAULT_CACHE_DIR } from './tiny-gpt2/cache.ts';
import type { TokenSource } from './token-source.ts';
import { withTokenizer } from './with-tokenizer.ts';

/** The built-in names; anything else is a hub id (with a '/') or a folder. */
export const BUILTIN_MODELS = ['tiny', 'dummy'] as const;
export const DEFAULT_MODEL = 'tiny';

export interface LoadTokenSourceOptions {
  /** Seed of the dummy's tokens or of the tiny model's weights (0 by default). */
  readonly seed?: number;
  /** Root of the caches: built tiny models go in `<cacheDir>/models`, hub downloads in `<cacheDir>/hub`; the project's `.cache` by default. */
  readonly cacheDir?: string;
  /** May a hub model be downloaded (default true)? If not, only the hub cache is read. */
  readonly allowRemote?: boolean;
  /**
   * Give the dummy GPT-2's tokenizer for `encode`/`decode` (default true). It loads in ~0.2 s on
   * first use and decodes at ~0.5 µs per token; a huge replay that needs no text passes false.
   */
  readonly text?: boolean;
  /** Most threads a model's ONNX Runtime session may use (default: one on ≤ 2 cores, else one per core; never spinning). */
  readonly threads?: number;
}

/**
 * The token source named by `spec`:
 * - `tiny` (default): the tiny GPT-2, built on first use, offline;
 * - `dummy`: seeded tokens without a model, synchronous (GPT-2's tokenizer for text);
 * - `owner/name` (e.g. `Xenova/gpt2`, `Xenova/distilgpt2`): a hub model, unless a folder of that path exists;
 * - any other path: a local model folder.
 * Throws ModelLoadError, whose message is one line that says what to do.
 */
export async function loadTokenSource(spec: string = DEFAULT_MODEL, options: LoadTokenSourceOptions = {}): Promise<TokenSource> {
  const seed = options.seed ?? 0;
  const cacheDir = options.cacheDir ?? DEFAULT_CACHE_DIR;
  if (spec === 'dummy') {
    const dummy = createDummyTokenSource({ seed });
    return options.text === false ? dummy : withTokenizer(dummy);
  }
  // The model stack (transformers.js, ONNX Runtime) loads only when a model is asked for.
  if (spec === 'tiny') {
    const { createTinySource } = await import('./tiny-source.ts');
    return createTinySource({ seed, cacheDir: join(cacheDir, 'models'), ...(options.threads === undefined ? {} : { threads: options.threads }) });
  }
  if (!spec.includes('/') && !existsSync(resolve(spec))) {
    throw new ModelLoadError(
      spec,
      `no folder named '${spec}' here, and it is not a model name; valid: ${BUILTIN_MODELS.join(', ')}, a hub id such as Xenova/gpt2, or a path to a model folder`,
    );
  }
  const { createTransformersSource } = await import('./transformers-source.ts');
  return createTransformersSource({
    model: spec,
    hubCacheDir: join(cacheDir, 'hub'),
    ...(options.allowRemote === undefined ? {} : { allowRemote: options.allowRemote }),
    ...(options.threads === undefined ? {} : { threads: options.threads }),
  });
}
