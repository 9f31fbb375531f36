import { describe, expect, it } from 'vitest';
import { LLAMA2_13B_A100_40GB, LLAMA2_7B_A100_80GB, LLAMA3_8B_H100_80GB, type CapacityProfile } from '../src/cache/capacity.ts';
import {
  DEFAULT_LATENCY, LatencyModelError, customLatency, latencyModel, quantizeMs, resolveLatency, rooflineLatency, type Step,
} from '../src/latency-model.ts';
import { batchLimits, vllmBatchDefaults } from '../src/batch-limits.ts';

const decodeStep = (contexts: number[]): Step => {
  const attended = contexts.reduce((a, b) => a + b, 0);
  return { kind: 'decode', prefillTokens: 0, prefillBlocks: 0, sequences: contexts.length, contextLengths: contexts, attendedTokens: attended, attentionPairs: attended };
};

const prefillStep = (tokens: number, cached = 0): Step => ({
  kind: 'prefill',
  prefillTokens: tokens,
  prefillBlocks: Math.ceil((cached + tokens) / 16) - cached / 16,
  sequences: 1,
  contextLengths: [cached + tokens],
  attendedTokens: cached + tokens,
  attentionPairs: tokens * cached + (tokens * (tokens + 1)) / 2,
});

// The formula, written out from the datasheet numbers: Llama-2-13B FP16 on an A100-40GB.
const WEIGHTS = 13_015_864_320 * 2; // bytes
const KV_PER_TOKEN = 2 * 40 * 40 * 128 * 2; // K and V × layers × KV heads × head dim × 2 bytes
const HBM = 1_555e9; // bytes/s
const FLOPS = 312e12 * 0.6; // dense FP16 × efficiency
const PAIR_FLOPS = 4 * 40 * 40 * 128; // QKᵀ and AV for one query–key pair, over 40 layers and 40 heads
/** max(memory time, compute time) + 1 ms of overhead, before rounding. */
const unrounded = (computed: number, attended: number, pairs: number): number => {
  const memoryMs = ((WEIGHTS + KV_PER_TOKEN * attended) / HBM) * 1000;
  const computeMs = ((2 * 13_015_864_320 * computed + PAIR_FLOPS * pairs) / FLOPS) * 1000;
  return Math.max(memoryMs, computeMs) + 1;
};
const roofline = (computed: number, attended: number, pairs: number): number => Math.round(unrounded(computed, attended, pairs) * 1024) / 1024;

describe('the seed latency model', () => {
  it('costs 5 ms + 2.5 ms per block a prefill step, 15 ms a decode step whatever the batch', () => {
    expect(DEFAULT_LATENCY.stepMs(prefillStep(100))).toBe(5 + 2.5 * 7);
    expect(DEFAULT_LATENCY.stepMs(decodeStep([10]))).toBe(15);
    expect(DEFAULT_LATENCY.stepMs(decodeStep(Array.from({ length: 150 }, () => 4000)))).toBe(15);
    expect(DEFAULT_LATENCY.uniformDecodeMs).toBe(15);
  });

  it('slows every step by the stall factor', () => {
    const slow = DEFAULT_LATENCY.slowed(4);
    expect(slow.stepMs(decodeStep([10]))).toBe(60);
    expect(slow.stepMs(prefillStep(32))).toBe(4 * (5 + 2.5 * 2));
  });

  it('names every invalid parameter', () => {
    expect(() => latencyModel({ decodeStepMs: 0, prefillBaseMs: -1 })).toThrow('prefillBaseMs = -1, decodeStepMs = 0');
  });
});

describe('the roofline latency model', () => {
  const model = rooflineLatency(LLAMA2_13B_A100_40GB);

  it('gives a lone decode step exactly the formula: weights + its KV at the HBM bandwidth, + 1 ms', () => {
    expect(model.stepMs(decodeStep([100]))).toBe(roofline(1, 100, 100));
  });

  it('gives a batch of equal sequences exactly the formula: every sequence’s KV is read', () => {
    const twelve = Array.from({ length: 12 }, () => 800);
    expect(model.stepMs(decodeStep(twelve))).toBe(roofline(12, 9_600, 9_600));
  });

  it('makes a lone short decode step 14–20 ms on the default profile (~26 GB of weights at ~1.555 TB/s)', () => {
    const ms = model.stepMs(decodeStep([50]));
    expect(ms).toBeGreaterThanOrEqual(14);
    expect(ms).toBeLessThanOrEqual(20);
  });

  it('makes a step of twelve 800-token sequences measurably longer than a lone one', () => {
    const lone = model.stepMs(decodeStep([800]));
    const twelve = model.stepMs(decodeStep(Array.from({ length: 12 }, () => 800)));
    expect(twelve - lone).toBeGreaterThan(4); // 11 × 800 tokens × 819,200 B at 1.555 TB/s ≈ 4.6 ms
  });

  it('prices a long prefill by its compute, attention included, and a short one by its memory', () => {
    expect(model.stepMs(prefillStep(2_048))).toBe(roofline(2_048, 2_048, (2_048 * 2_049) / 2));
    expect(model.stepMs(prefillStep(2_048))).toBeGreaterThan(250); // compute-bound: ~26 GFLOP per token
    // A short prefill is memory-bound: it costs what a decode step does, the weights read once.
    expect(model.stepMs(prefillStep(32))).toBe(roofline(32, 32, (32 * 33) / 2));
    expect(model.stepMs(prefillStep(32)) - model.stepMs(decodeStep([32]))).toBe(0);
  });

  it('reads cached tokens of a prefill as attended KV, and computes only the new ones', () => {
    expect(model.stepMs(prefillStep(512, 1_024))).toBe(roofline(512, 1_536, 512 * 1_024 + (512 * 513) / 2));
  });

  it('rounds every step to 1/1024 ms so that sums of steps are exact', () => {
    const ms = model.stepMs(decodeStep([123, 456]));
    expect(ms * 1024).toBe(Math.round(ms * 1024));
    expect(quantizeMs(0)).toBe(1 / 1024);
  });

  it('slows every step by the stall factor', () => {
    expect(model.slowed(3).stepMs(decodeStep([100]))).toBe(Math.round(3 * unrounded(1, 100, 100) * 1024) / 1024);
  });

  it('costs more per token on a smaller GPU, less on an H100 (bandwidth and peak from the datasheets)', () => {
    const h100 = rooflineLatency(LLAMA3_8B_H100_80GB).stepMs(decodeStep([100]));
    const a100 = rooflineLatency(LLAMA2_7B_A100_80GB).stepMs(decodeStep([100]));
    expect(h100).toBeLessThan(a100);
    expect(a100).toBeLessThan(model.stepMs(decodeStep([100])));
  });

  it('names the facts a profile lacks', () => {
    const bare: CapacityProfile = { ...LLAMA2_13B_A100_40GB, name: 'bare', hbmBytesPerSecond: undefined as unknown as number, peakFlops: 0 };
    expect(() => rooflineLatency(bare)).toThrow(LatencyModelError);
    expect(() => rooflineLatency(bare)).toThrow("profile 'bare' lacks hbmBytesPerSecond, peakFlops (> 0)");
    expect(() => rooflineLatency(LLAMA2_13B_A100_40GB, { computeEfficiency: 1.5 })).toThrow('computeEfficiency = 1.5');
  });
});

describe('custom latency models', () => {
  it('calls the function with the step and rounds its answer', () => {
    const seen: Step[] = [];
    const model = customLatency((step) => {
      seen.push({ ...step, contextLengths: [...step.contextLengths] });
      return step.kind === 'prefill' ? 3 + 0.01 * step.prefillTokens : 10 + step.sequences;
    });
    expect(model.stepMs(decodeStep([5, 7]))).toBe(12);
    expect(model.stepMs(prefillStep(100))).toBe(quantizeMs(4));
    expect(seen.at(-2)).toMatchObject({ kind: 'decode', sequences: 2, contextLengths: [5, 7], attendedTokens: 12 });
  });

  it('refuses a step that takes no time', () => {
    expect(() => customLatency(() => 0).stepMs(decodeStep([1]))).toThrow('the latency function returned 0 ms for a decode step');
  });
});

describe('resolveLatency', () => {
  it('reads names, functions, built models and seed overrides', () => {
    expect(resolveLatency(undefined, LLAMA2_13B_A100_40GB)).toBe(DEFAULT_LATENCY);
    expect(resolveLatency('roofline', LLAMA2_13B_A100_40GB).name).toBe('roofline');
    expect(resolveLatency(() => 7, LLAMA2_13B_A100_40GB).stepMs(decodeStep([1]))).toBe(7);
    expect(resolveLatency({ decodeStepMs: 20 }, LLAMA2_13B_A100_40GB).stepMs(decodeStep([1]))).toBe(20);
  });
});

describe('batch limits', () => {
  it('follow vLLM’s defaults for the GPU: 256 / 2048 on A100s (any size), 1024 / 8192 on an H100', () => {
    expect(vllmBatchDefaults(LLAMA2_13B_A100_40GB)).toEqual({ maxRunning: 256, maxBatchedTokens: 2048 });
    expect(vllmBatchDefaults(LLAMA2_7B_A100_80GB)).toEqual({ maxRunning: 256, maxBatchedTokens: 2048 });
    expect(vllmBatchDefaults(LLAMA3_8B_H100_80GB)).toEqual({ maxRunning: 1024, maxBatchedTokens: 8192 });
  });

  it('keep the seed’s behaviour (256, no token budget) unless given', () => {
    expect(batchLimits({}, DEFAULT_LATENCY, LLAMA3_8B_H100_80GB)).toEqual({ maxRunning: 256, maxBatchedTokens: Infinity });
    expect(batchLimits({ maxBatchedTokens: 512 }, DEFAULT_LATENCY, LLAMA2_13B_A100_40GB)).toEqual({ maxRunning: 256, maxBatchedTokens: 512 });
    expect(batchLimits({ maxRunning: 8 }, rooflineLatency(LLAMA3_8B_H100_80GB), LLAMA3_8B_H100_80GB)).toEqual({ maxRunning: 8, maxBatchedTokens: 8192 });
  });
});
