// How much one worker's step may hold, as vLLM limits it: sequences running at once
// (max_num_seqs) and prompt tokens computed per step (max_num_batched_tokens). The seed's model
// keeps the batch limit it always had and no token budget; under the roofline model the limits
// default to vLLM's own for the profile's GPU.

import { GiB, type CapacityProfile } from './cache/capacity.ts';
import type { LatencyModel } from './latency-model.ts';

/** The batch limit the seed's engine always had: vLLM's max_num_seqs default on an A100. */
export const DEFAULT_MAX_RUNNING = 256;

export interface BatchLimits {
  /** Most sequences prefilling or running at once (vLLM's max_num_seqs). */
  readonly maxRunning: number;
  /** Most prompt tokens one prefill step computes (vLLM's max_num_batched_tokens); Infinity: no budget. */
  readonly maxBatchedTokens: number;
}

/**
 * vLLM's defaults for the OpenAI-compatible server on this GPU (vllm/engine/arg_utils.py,
 * EngineArgs.get_batch_defaults): 1024 sequences and 8192 tokens on a GPU of ≥ 70 GiB that is not
 * an A100, else 256 and 2048 (a larger budget on A100s reduced throughput, vLLM PR #17885).
 */
export function vllmBatchDefaults(profile: CapacityProfile): BatchLimits {
  const large = profile.gpuMemoryBytes >= 70 * GiB && !/a100/i.test(profile.gpu);
  return large ? { maxRunning: 1024, maxBatchedTokens: 8192 } : { maxRunning: 256, maxBatchedTokens: 2048 };
}

/** The limits a worker runs with: the ones given, else the seed's (256, no budget) or vLLM's for the roofline. */
export function batchLimits(given: { readonly maxRunning?: number | undefined; readonly maxBatchedTokens?: number | undefined }, latency: LatencyModel, profile: CapacityProfile): BatchLimits {
  const defaults = latency.name === 'seed' ? { maxRunning: DEFAULT_MAX_RUNNING, maxBatchedTokens: Infinity } : vllmBatchDefaults(profile);
  return { maxRunning: given.maxRunning ?? defaults.maxRunning, maxBatchedTokens: given.maxBatchedTokens ?? defaults.maxBatchedTokens };
}
