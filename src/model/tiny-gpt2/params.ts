// The parameters of a tiny GPT-2 build, and the short hash that names its cache folder. Every
// value that changes a byte of the built files is a parameter here (or BUILDER_VERSION).

import { createHash } from 'node:crypto';
import { ModelError } from '../errors.ts';

/**
 * Bump when the builder's output changes for the same parameters (graph, weight order, file
 * contents), so that an old cache folder is never taken for a new build.
 */
export const BUILDER_VERSION = 3;

/** GPT-2's vocabulary size and end-of-text id. */
export const GPT2_VOCAB_SIZE = 50257;
export const GPT2_EOS_TOKEN_ID = 50256;

export interface TinyGpt2Params {
  /** Seed of the weights. */
  readonly seed: number;
  readonly layers: number;
  /** Width of the residual stream (GPT-2's n_embd). */
  readonly width: number;
  readonly heads: number;
  /** Longest sequence the position embeddings cover (GPT-2's n_positions). */
  readonly positions: number;
  /** Standard deviation of every weight matrix and embedding (biases start at 0, LN gains at 1). */
  readonly weightStd: number;
  /** Added to the end-of-text logit; 0 (the default) leaves the LM head a pure tied projection. */
  readonly eosLogitBias: number;
}

export const DEFAULT_TINY_PARAMS: TinyGpt2Params = {
  seed: 0,
  layers: 2,
  width: 64,
  heads: 4,
  // NOTE: 8192 rather than GPT-2's 1024, so that replays of the Mooncake traces (prompts up to
  // ~6,000 tokens) fit; it costs 2 MB of position embeddings.
  positions: 8192,
  // NOTE: GPT-2's 0.02 makes random weights repeat one token; 0.3 gives varied tokens.
  weightStd: 0.3,
  eosLogitBias: 0,
};

/** A caller mistake in the build parameters. */
export class TinyParamsError extends ModelError {
  override readonly name = 'TinyParamsError';
}

/** The defaults overridden by `overrides`, checked. */
export function resolveTinyParams(overrides: Partial<TinyGpt2Params> = {}): TinyGpt2Params {
  const p: TinyGpt2Params = { ...DEFAULT_TINY_PARAMS, ...overrides };
  const positiveInts = ['layers', 'width', 'heads', 'positions'] as const;
  for (const key of positiveInts) {
    if (!Number.isInteger(p[key]) || p[key] < 1) throw new TinyParamsError(`${key} is ${p[key]}; it must be an integer ≥ 1`);
  }
  if (p.width % p.heads !== 0) throw new TinyParamsError(`width ${p.width} is not a multiple of heads ${p.heads}`);
  if (!Number.isInteger(p.seed)) throw new TinyParamsError(`seed is ${p.seed}; it must be an integer`);
  if (!(p.weightStd > 0 && Number.isFinite(p.weightStd))) throw new TinyParamsError(`weightStd is ${p.weightStd}; it must be > 0`);
  if (!Number.isFinite(p.eosLogitBias)) throw new TinyParamsError(`eosLogitBias is ${p.eosLogitBias}; it must be finite`);
  return p;
}

/** 10 hex digits of SHA-256 over the parameters and the builder version: the cache folder's suffix. */
export function paramsHash(p: TinyGpt2Params): string {
  const canonical = JSON.stringify([
    BUILDER_VERSION,
    p.seed,
    p.layers,
    p.width,
    p.heads,
    p.positions,
    p.weightStd,
    p.eosLogitBias,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 10);
}
