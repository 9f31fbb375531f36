// Every timing rule of the simulation, in one place (DESIGN §3.4): what a step costs, from what it
// does. Two models side by side:
//
//   seed (the default and the contract):
//     prefill step = prefillBaseMs + prefillPerBlockMs × Σ blocks to compute
//     decode step  = decodeStepMs, whatever the batch
//     so a request alone on an idle worker ends at
//     prefillBaseMs + prefillPerBlockMs × blocks to compute + decodeStepMs × output tokens.
//
//   roofline (a batch has a price), from the capacity profile's GPU and model:
//     memory  = (weights + kvBytesPerToken × tokens attended) / HBM bandwidth
//     compute = (2 × parameters × tokens computed + 4 × layers × heads × head dim × attention pairs)
//               / (peak FLOPS × computeEfficiency)
//     step    = max(memory, compute) + stepOverheadMs, rounded to 1/1024 ms
//
// The rounding keeps every virtual time a multiple of 2⁻¹⁰ ms, so sums of step times are exact in
// floating point and a segment timed in one go ends exactly where its steps taken one by one do.

import { bytesPerBlock, type CapacityProfile } from './cache/capacity.ts';
import { SimulatorError } from './errors.ts';

/** What a step does, as a latency model sees it. */
export interface Step {
  readonly kind: 'prefill' | 'decode';
  /** Prompt tokens the step computes (0 in a decode step). */
  readonly prefillTokens: number;
  /** Blocks the prefill computes (DESIGN §3.4: ceil(tokens / block size) − cached leading blocks). */
  readonly prefillBlocks: number;
  /** Sequences in the step: prefilling, or decoding one token each. */
  readonly sequences: number;
  /** Each sequence's context: the tokens whose KV the step reads for it. Valid during the call only. */
  readonly contextLengths: readonly number[];
  /** Σ contextLengths. */
  readonly attendedTokens: number;
  /** Query–key pairs of the step's causal attention: a decoding sequence's context, c·k + c(c+1)/2 for c tokens computed after k cached. */
  readonly attentionPairs: number;
}

/** A step's duration in ms. */
export type StepLatency = (step: Step) => number;

export interface LatencyModel {
  /** 'seed', 'roofline' or 'custom'. */
  readonly name: string;
  /** Duration of a step, in ms (> 0). */
  stepMs(step: Step): number;
  /** Set when every decode step takes this long whatever the batch (seed): segments are timed in closed form. */
  readonly uniformDecodeMs: number | null;
  /** The router's estimate of a lone prefill computing `blocks` blocks, nothing cached. */
  lonePrefillMs(blocks: number): number;
  /** The router's estimate of one decode step of a lone short sequence. */
  readonly loneDecodeMs: number;
  /** The same model with every step `factor` × as long (a stalled worker). */
  slowed(factor: number): LatencyModel;
}

/** Thrown for a latency parameter that is out of range; the message names it. */
export class LatencyModelError extends SimulatorError {
  override readonly name = 'LatencyModelError';
}

// ---------------------------------------------------------------------------------------------
// seed

export interface SeedLatencyParams {
  /** Fixed cost of a prefill step, in ms. */
  readonly prefillBaseMs: number;
  /** Cost of computing one 16-token block of prompt (not found in the cache), in ms. */
  readonly prefillPerBlockMs: number;
  /** Cost of one decode step (one token for every running sequence), in ms. */
  readonly decodeStepMs: number;
}

/** The seed's model, with its parameters readable. */
export interface SeedLatency extends LatencyModel, SeedLatencyParams {}

const SEED_PARAMS: SeedLatencyParams = { prefillBaseMs: 5, prefillPerBlockMs: 2.5, decodeStepMs: 15 };

/** The seed's model with `overrides` applied, after checking every field. */
export function latencyModel(overrides: Partial<SeedLatencyParams> = {}): SeedLatency {
  const params = { ...SEED_PARAMS, ...overrides };
  const bad: string[] = [];
  for (const [field, value] of Object.entries(params)) {
    const ok = Number.isFinite(value) && (field === 'decodeStepMs' ? value > 0 : value >= 0);
    if (!ok) bad.push(`${field} = ${value}`);
  }
  if (bad.length > 0) {
    throw new LatencyModelError(`invalid latency model: ${bad.join(', ')} (finite, ≥ 0; decodeStepMs > 0)`);
  }
  return seedModel(params);
}

function seedModel(p: SeedLatencyParams): SeedLatency {
  const lonePrefillMs = (blocks: number) => p.prefillBaseMs + p.prefillPerBlockMs * blocks;
  return {
    name: 'seed',
    ...p,
    stepMs: (step) => (step.kind === 'prefill' ? lonePrefillMs(step.prefillBlocks) : p.decodeStepMs),
    uniformDecodeMs: p.decodeStepMs,
    lonePrefillMs,
    loneDecodeMs: p.decodeStepMs,
    slowed: (k) => seedModel({ prefillBaseMs: p.prefillBaseMs * k, prefillPerBlockMs: p.prefillPerBlockMs * k, decodeStepMs: p.decodeStepMs * k }),
  };
}

/** The seed's model: 5 ms + 2.5 ms per block prefill, 15 ms decode step. */
export const DEFAULT_LATENCY: SeedLatency = latencyModel();

// ---------------------------------------------------------------------------------------------
// roofline

export interface RooflineOptions {
  /** Fraction of the GPU's dense FP16 peak that the step's matrix products reach; 0.6 by default. */
  readonly computeEfficiency?: number;
  /** Fixed cost of every step (scheduling, kernel launches), in ms; 1 by default. */
  readonly stepOverheadMs?: number;
}

/** The GPU and model facts the roofline reads; a profile must carry the optional ones. */
export interface RooflineFacts {
  readonly weightBytes: number;
  readonly kvBytesPerToken: number;
  readonly parameterCount: number;
  /** 4 × layers × attention heads × head dim: FLOPs of one query–key pair (QKᵀ and AV). */
  readonly flopsPerAttentionPair: number;
  readonly hbmBytesPerMs: number;
  /** Peak × efficiency, per ms. */
  readonly flopsPerMs: number;
  readonly stepOverheadMs: number;
  readonly tokensPerBlock: number;
}

/** Assumptions, not measurements: with them a 16-token block of prefill computes in ~2.2 ms on the default profile, near the seed's 2.5 ms. */
export const ROOFLINE_DEFAULTS: Required<RooflineOptions> = { computeEfficiency: 0.6, stepOverheadMs: 1 };

/** The roofline model of `profile`'s model on its GPU. */
export function rooflineLatency(profile: CapacityProfile, options: RooflineOptions = {}): LatencyModel {
  return rooflineModel(rooflineFacts(profile, options), 1);
}

/** The numbers the roofline formula uses, checked; throws LatencyModelError naming what is missing. */
export function rooflineFacts(profile: CapacityProfile, options: RooflineOptions = {}): RooflineFacts {
  const { computeEfficiency, stepOverheadMs } = { ...ROOFLINE_DEFAULTS, ...options };
  const missing = (['hbmBytesPerSecond', 'peakFlops', 'attentionHeads'] as const).filter((f) => !(Number(profile[f]) > 0));
  if (missing.length > 0) {
    throw new LatencyModelError(`profile '${profile.name}' lacks ${missing.join(', ')} (> 0), which the roofline latency model needs`);
  }
  if (!(computeEfficiency > 0 && computeEfficiency <= 1)) throw new LatencyModelError(`computeEfficiency = ${computeEfficiency}; expected a number in (0, 1]`);
  if (!(stepOverheadMs >= 0 && Number.isFinite(stepOverheadMs))) throw new LatencyModelError(`stepOverheadMs = ${stepOverheadMs}; expected a finite number ≥ 0`);
  return {
    weightBytes: profile.parameterCount * profile.bytesPerValue,
    kvBytesPerToken: bytesPerBlock(profile) / profile.tokensPerBlock,
    parameterCount: profile.parameterCount,
    flopsPerAttentionPair: 4 * profile.layers * (profile.attentionHeads as number) * profile.headDim,
    hbmBytesPerMs: (profile.hbmBytesPerSecond as number) / 1000,
    flopsPerMs: ((profile.peakFlops as number) * computeEfficiency) / 1000,
    stepOverheadMs,
    tokensPerBlock: profile.tokensPerBlock,
  };
}

function rooflineModel(f: RooflineFacts, factor: number): LatencyModel {
  const stepMs = (step: Step): number => {
    const memory = (f.weightBytes + f.kvBytesPerToken * step.attendedTokens) / f.hbmBytesPerMs;
    const computed = step.kind === 'prefill' ? step.prefillTokens : step.sequences;
    const compute = (2 * f.parameterCount * computed + f.flopsPerAttentionPair * step.attentionPairs) / f.flopsPerMs;
    return quantizeMs(factor * (Math.max(memory, compute) + f.stepOverheadMs));
  };
  return functionModel('roofline', stepMs, f.tokensPerBlock, (k) => rooflineModel(f, factor * k));
}

// ---------------------------------------------------------------------------------------------
// custom

/** A model from your own step function; its results are rounded to 1/1024 ms like the roofline's. */
export function customLatency(stepMs: StepLatency, tokensPerBlock = 16): LatencyModel {
  const checked = (step: Step): number => {
    const ms = stepMs(step);
    if (!(ms > 0 && Number.isFinite(ms))) throw new LatencyModelError(`the latency function returned ${ms} ms for a ${step.kind} step; a step must take a finite time > 0`);
    return quantizeMs(ms);
  };
  const slowed = (k: number): LatencyModel => functionModel('custom', (step) => quantizeMs(k * checked(step)), tokensPerBlock, (k2) => slowed(k * k2));
  return functionModel('custom', checked, tokensPerBlock, slowed);
}

/** A model whose decode steps may all differ, timed by `stepMs`. */
function functionModel(name: string, stepMs: StepLatency, tokensPerBlock: number, slowed: (factor: number) => LatencyModel): LatencyModel {
  const lonePrefillMs = (blocks: number): number => {
    const tokens = blocks * tokensPerBlock;
    return stepMs({ kind: 'prefill', prefillTokens: tokens, prefillBlocks: blocks, sequences: 1, contextLengths: [tokens], attendedTokens: tokens, attentionPairs: (tokens * (tokens + 1)) / 2 });
  };
  return {
    name,
    stepMs,
    uniformDecodeMs: null,
    lonePrefillMs,
    loneDecodeMs: stepMs({ kind: 'decode', prefillTokens: 0, prefillBlocks: 0, sequences: 1, contextLengths: [tokensPerBlock], attendedTokens: tokensPerBlock, attentionPairs: tokensPerBlock }),
    slowed,
  };
}

/** `ms` rounded to the nearest 1/1024 ms (≈ 1 µs), never to 0. */
export function quantizeMs(ms: number): number {
  return Math.max(1, Math.round(ms * 1024)) / 1024;
}

// ---------------------------------------------------------------------------------------------

export const LATENCY_MODEL_NAMES = ['seed', 'roofline'] as const;
export type LatencyModelName = (typeof LATENCY_MODEL_NAMES)[number];

/** What `createCluster({ latency })` takes: a name, a step function, a built model, or overrides of the seed's parameters. */
export type LatencyOption = LatencyModelName | StepLatency | LatencyModel | Partial<SeedLatencyParams>;

/** The model `option` stands for, on `profile`. */
export function resolveLatency(option: LatencyOption | undefined, profile: CapacityProfile): LatencyModel {
  if (option === undefined || option === 'seed') return DEFAULT_LATENCY;
  if (option === 'roofline') return rooflineLatency(profile);
  if (typeof option === 'function') return customLatency(option, profile.tokensPerBlock);
  if ('stepMs' in option) return option;
  return latencyModel(option);
}

/** The router's estimate of a lone prefill computing `blocks` blocks. */
export function prefillMs(model: LatencyModel, blocks: number): number {
  return model.lonePrefillMs(blocks);
}

/** The router's estimate of `steps` decode steps of a lone sequence. */
export function decodeMs(model: LatencyModel, steps: number): number {
  return model.loneDecodeMs * steps;
}
