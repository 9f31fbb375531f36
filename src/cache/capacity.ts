// How many KV blocks a worker has: the GPU's KV budget divided by the bytes of one block
// (DESIGN §3.1). Profiles are plain data so that any model/GPU pairing uses the same formula.

import { CacheError } from './errors.ts';

export const GiB = 1024 ** 3;

/** A model on a GPU: everything the block count depends on. */
export interface CapacityProfile {
  readonly name: string;
  readonly model: string;
  readonly gpu: string;
  /** Device memory in bytes. */
  readonly gpuMemoryBytes: number;
  /** Fraction of device memory the engine may use (vLLM's gpu_memory_utilization). */
  readonly gpuMemoryUtilization: number;
  readonly parameterCount: number;
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** 2 for FP16/BF16; also the bytes per weight, stored in the same dtype as the KV cache. */
  readonly bytesPerValue: number;
  readonly tokensPerBlock: number;
  /** Peak activation memory of a forward pass, measured by vLLM's profiling run. */
  readonly activationPeakBytes: number;
  /** Attention (query) heads; with grouped-query attention, more than kvHeads. Roofline only. */
  readonly attentionHeads?: number;
  /** The GPU's HBM bandwidth in bytes/s. Roofline only. */
  readonly hbmBytesPerSecond?: number;
  /** The GPU's dense (no sparsity) FP16/BF16 tensor-core peak in FLOP/s. Roofline only. */
  readonly peakFlops?: number;
  /** Where the numbers come from. */
  readonly sources: readonly string[];
}

/** Thrown when a profile leaves no memory for even one KV block, or has a nonsensical field. */
export class CapacityProfileError extends CacheError {
  override readonly name = 'CapacityProfileError';
}

/** 2 (K and V) × layers × KV heads × head dim × bytes per value × tokens per block. */
export function bytesPerBlock(p: CapacityProfile): number {
  return 2 * p.layers * p.kvHeads * p.headDim * p.bytesPerValue * p.tokensPerBlock;
}

/** GPU memory × utilization − weights − activation peak, in whole bytes. */
export function kvBudgetBytes(p: CapacityProfile): number {
  const weights = p.parameterCount * p.bytesPerValue;
  return Math.floor(p.gpuMemoryBytes * p.gpuMemoryUtilization - weights - p.activationPeakBytes);
}

/** floor(KV budget / bytes per block); throws if the model leaves room for no block. */
export function blocksPerWorker(p: CapacityProfile): number {
  validateProfile(p);
  const blocks = Math.floor(kvBudgetBytes(p) / bytesPerBlock(p));
  if (blocks < 1) {
    throw new CapacityProfileError(
      `profile '${p.name}': ${p.model} needs ${fmtGiB(p.parameterCount * p.bytesPerValue)} of ` +
        `weights and ${fmtGiB(p.activationPeakBytes)} of activations, but ${p.gpu} offers ` +
        `${fmtGiB(p.gpuMemoryBytes * p.gpuMemoryUtilization)}; no KV block fits`,
    );
  }
  return blocks;
}

function fmtGiB(bytes: number): string {
  return `${(bytes / GiB).toFixed(2)} GiB`;
}

const POSITIVE_INTEGER_FIELDS = [
  'parameterCount', 'layers', 'kvHeads', 'headDim', 'bytesPerValue', 'tokensPerBlock',
] as const;

function validateProfile(p: CapacityProfile): void {
  const bad: string[] = [];
  for (const field of POSITIVE_INTEGER_FIELDS) {
    if (!Number.isInteger(p[field]) || p[field] < 1) bad.push(`${field} = ${p[field]} (a positive integer)`);
  }
  if (!(p.gpuMemoryBytes > 0)) bad.push(`gpuMemoryBytes = ${p.gpuMemoryBytes} (> 0)`);
  if (!(p.gpuMemoryUtilization > 0 && p.gpuMemoryUtilization <= 1)) {
    bad.push(`gpuMemoryUtilization = ${p.gpuMemoryUtilization} (in (0, 1])`);
  }
  if (!(p.activationPeakBytes >= 0)) bad.push(`activationPeakBytes = ${p.activationPeakBytes} (≥ 0)`);
  if (bad.length > 0) throw new CapacityProfileError(`profile '${p.name}': invalid ${bad.join('; ')}`);
}

const HF_LLAMA2_13B = 'huggingface.co/meta-llama/Llama-2-13b-hf config.json: 40 layers, 40 heads, hidden 5120 (head dim 128), no GQA';
const HF_LLAMA2_7B = 'huggingface.co/meta-llama/Llama-2-7b-hf config.json: 32 layers, 32 heads, hidden 4096 (head dim 128), no GQA';
const A100_PEAK = 'NVIDIA A100 datasheet: FP16 tensor core 312 TFLOPS dense (624 with sparsity)';
const HF_LLAMA3_8B = 'huggingface.co/meta-llama/Meta-Llama-3-8B config.json: 32 layers, 32 heads, 8 KV heads, hidden 4096 (head dim 128)';

/** The project's default: Llama-2-13B FP16 on an A100-40GB → 13,107,200 B per block, 924 blocks. */
export const LLAMA2_13B_A100_40GB: CapacityProfile = {
  name: 'llama-2-13b@a100-40gb',
  model: 'Llama-2-13B (FP16)',
  gpu: 'A100-40GB',
  gpuMemoryBytes: 40 * GiB,
  gpuMemoryUtilization: 0.9,
  parameterCount: 13_015_864_320,
  layers: 40,
  kvHeads: 40,
  headDim: 128,
  bytesPerValue: 2,
  tokensPerBlock: 16,
  activationPeakBytes: 0.47 * GiB,
  attentionHeads: 40,
  hbmBytesPerSecond: 1_555e9,
  peakFlops: 312e12,
  sources: [
    HF_LLAMA2_13B,
    'parameter count 13,015,864,320: sum of the tensors of the safetensors checkpoint',
    'NVIDIA A100 datasheet: 40 GB HBM2 (40,960 MiB as reported by nvidia-smi)',
    A100_PEAK,
    'NVIDIA A100 datasheet: 1,555 GB/s memory bandwidth (A100 40GB)',
    'utilization 0.9 and the profiled activation peak: vLLM defaults (DESIGN §3.1 derivation)',
  ],
};

/** Llama-2-7B FP16 on an A100-80GB: 8 MiB per block. */
export const LLAMA2_7B_A100_80GB: CapacityProfile = {
  name: 'llama-2-7b@a100-80gb',
  model: 'Llama-2-7B (FP16)',
  gpu: 'A100-80GB',
  gpuMemoryBytes: 80 * GiB,
  gpuMemoryUtilization: 0.9,
  parameterCount: 6_738_415_616,
  layers: 32,
  kvHeads: 32,
  headDim: 128,
  bytesPerValue: 2,
  tokensPerBlock: 16,
  activationPeakBytes: 0.47 * GiB,
  attentionHeads: 32,
  hbmBytesPerSecond: 2_039e9,
  peakFlops: 312e12,
  sources: [
    HF_LLAMA2_7B,
    'parameter count 6,738,415,616: sum of the tensors of the safetensors checkpoint',
    'NVIDIA A100 datasheet: 80 GB HBM2e (81,920 MiB as reported by nvidia-smi)',
    A100_PEAK,
    'NVIDIA A100 datasheet: 2,039 GB/s memory bandwidth (A100 80GB SXM)',
    'activation peak: assumed equal to the 13B profile (same vocabulary, narrower layers: an upper bound)',
  ],
};

/** Llama-3-8B BF16 (8 KV heads, grouped-query attention) on an H100-80GB: 2 MiB per block. */
export const LLAMA3_8B_H100_80GB: CapacityProfile = {
  name: 'llama-3-8b@h100-80gb',
  model: 'Llama-3-8B (BF16)',
  gpu: 'H100-80GB',
  gpuMemoryBytes: 80 * GiB,
  gpuMemoryUtilization: 0.9,
  parameterCount: 8_030_261_248,
  layers: 32,
  kvHeads: 8,
  headDim: 128,
  bytesPerValue: 2,
  tokensPerBlock: 16,
  activationPeakBytes: 0.75 * GiB,
  attentionHeads: 32,
  hbmBytesPerSecond: 3_350e9,
  peakFlops: 989.4e12,
  sources: [
    HF_LLAMA3_8B,
    'parameter count 8,030,261,248: sum of the tensors of the safetensors checkpoint',
    'NVIDIA H100 SXM datasheet: 80 GB HBM3 (rounded to 80 GiB here)',
    'NVIDIA H100 SXM datasheet: 3.35 TB/s memory bandwidth; BF16 tensor core 1,979 TFLOPS with sparsity, so 989.4 TFLOPS dense',
    'activation peak: assumed 0.75 GiB, above the 13B profile for the 128,256-token vocabulary of the sampler',
  ],
};

export const CAPACITY_PROFILES: readonly CapacityProfile[] = [
  LLAMA2_13B_A100_40GB,
  LLAMA2_7B_A100_80GB,
  LLAMA3_8B_H100_80GB,
];

export const DEFAULT_PROFILE = LLAMA2_13B_A100_40GB;

/** Thrown for a profile name that is not built in; the message lists the valid ones. */
export class UnknownProfileError extends CacheError {
  override readonly name = 'UnknownProfileError';
  constructor(readonly requested: string) {
    super(`unknown capacity profile '${requested}'; valid: ${CAPACITY_PROFILES.map((p) => p.name).join(', ')}`);
  }
}

/** The built-in profile with this name. */
export function getProfile(name: string): CapacityProfile {
  const profile = CAPACITY_PROFILES.find((p) => p.name === name);
  if (profile === undefined) throw new UnknownProfileError(name);
  return profile;
}
