// The options of createCluster, checked as a whole: one error lists every bad field.

import { z } from 'zod';
import type { UncachedFreed } from '../cache/block-pool.ts';
import type { CapacityProfile } from '../cache/capacity.ts';
import type { BlockHash } from '../cache/hash.ts';
import { LATENCY_MODEL_NAMES, type LatencyOption } from '../latency-model.ts';
import { MESSAGE_TYPES, type MessageType } from '../messages.ts';
import type { TokenSource } from '../model/token-source.ts';
import type { ViewMode } from '../routing/router-view.ts';
import type { KvFaults, WorkerFaultSpec } from './faults.ts';
import { STRATEGY_NAMES, type StrategyName } from '../routing/strategies.ts';
import type { Strategy } from '../routing/types.ts';
import type { InspectionEvent, Observer } from 'xstate';
import { SimulatorError } from '../errors.ts';

export interface ClusterOptions {
  /** Number of workers; 4 by default. */
  readonly workers?: number;
  /** Model × GPU pairing that sets the block size and the blocks per worker. */
  readonly profile?: CapacityProfile;
  /** Blocks per worker, overriding the profile's; 'unbounded' for an oracle cache. */
  readonly capacity?: number | 'unbounded';
  /** A built-in strategy by name, or your own function; 'cache-aware' by default. */
  readonly strategy?: StrategyName | Strategy;
  /** How the router believes what workers hold: KV events (default) or its own decisions. */
  readonly view?: ViewMode;
  /**
   * What a step costs: 'seed' (default: 5 ms + 2.5 ms per block prefill, 15 ms decode step),
   * 'roofline' (from the profile's GPU and model), a function of the step, a model built with
   * rooflineLatency/customLatency, or overrides of the seed's parameters.
   */
  readonly latency?: LatencyOption;
  /** Where decode tokens come from; seeded dummy tokens by default. */
  readonly tokens?: TokenSource;
  /**
   * Or a model by name, loaded when the cluster first runs: 'tiny' (the built-in GPT-2, offline),
   * 'dummy', a hub id such as 'Xenova/gpt2' (needs internet) or a model folder. `run()` rejects
   * with ModelLoadError if it cannot be loaded.
   */
  readonly model?: string;
  /** Seed of everything random in the cluster (the default token source). */
  readonly seed?: number;
  /** 'virtual' (default): as fast as possible; 'realtime': paced by the wall clock, for watching. */
  readonly clock?: 'virtual' | 'realtime';
  /** Virtual ms per wall ms in real-time mode; 1 by default. */
  readonly speed?: number;
  /** 'segments' (virtual default): one timed transition per run of steps; 'steps' (real-time default): one per step. */
  readonly decode?: 'segments' | 'steps';
  /** Delivery delay in ms per message type, e.g. { 'KV.STORED': 50, 'KV.REMOVED': 50 }. */
  readonly delays?: Partial<Record<MessageType, number>>;
  /** Most sequences prefilling or running on a worker (vLLM's max_num_seqs); 256 under the seed's model, vLLM's default for the GPU otherwise. */
  readonly maxRunning?: number;
  /** Most prompt tokens a prefill step computes (vLLM's max_num_batched_tokens): longer prompts are prefilled in chunks. Unlimited under the seed's model, vLLM's default for the GPU otherwise. */
  readonly maxBatchedTokens?: number;
  /** Most tokens (prompt + output) of a request; unlimited by default. */
  readonly maxContextTokens?: number;
  /** Where a freed partial block goes in each worker's free queue: 'tail' (vLLM's, default) or 'head' (see BlockPoolOptions). */
  readonly uncachedFreed?: UncachedFreed;
  /** The value block 0 chains from; a fixed default. */
  readonly hashRoot?: BlockHash;
  /** Faults that hit workers at given virtual times (kill, restart, stall). */
  readonly faults?: readonly WorkerFaultSpec[];
  /** Faults of the KV events on their way to the router: drop, duplicate, reorder. */
  readonly kvFaults?: KvFaults;
  /** Check every worker's cache invariants after every step and conservation of requests; slow. */
  readonly debug?: boolean;
  /** XState inspection of every actor: a function or an observer (e.g. the Stately inspector's `inspector.inspect`). */
  readonly inspect?: ((event: InspectionEvent) => void) | Observer<InspectionEvent>;
}

/** Invalid cluster options; the message lists every bad field. */
export class ClusterConfigError extends SimulatorError {
  override readonly name = 'ClusterConfigError';
  constructor(
    readonly problems: readonly string[],
    what = 'cluster options',
  ) {
    super(`invalid ${what}:\n  - ${problems.join('\n  - ')}`);
  }
}

const positiveInt = z.number().int().positive();
const delayMs = z.number().finite().nonnegative();

const seedParams = z
  .object({ prefillBaseMs: delayMs.optional(), prefillPerBlockMs: delayMs.optional(), decodeStepMs: z.number().finite().positive().optional() })
  .strict();

/** A latency name, function or model, or the seed's parameters (checked field by field, so a bad one is named). */
const latencyOption = z.custom<LatencyOption>().superRefine((value, ctx) => {
  const isModel = typeof value === 'object' && value !== null && typeof (value as { stepMs?: unknown }).stepMs === 'function';
  if (typeof value === 'function' || isModel || (LATENCY_MODEL_NAMES as readonly unknown[]).includes(value)) return;
  if (typeof value === 'object' && value !== null) {
    for (const issue of seedParams.safeParse(value).error?.issues ?? []) ctx.addIssue({ ...issue, code: 'custom', path: issue.path });
    return;
  }
  ctx.addIssue({ code: 'custom', message: `expected ${LATENCY_MODEL_NAMES.join(' or ')}, a function of the step, a latency model, or { prefillBaseMs, prefillPerBlockMs, decodeStepMs }` });
});

const faultSpec = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['kill', 'restart']), worker: z.number().int().nonnegative(), at: delayMs }),
  z.strictObject({ kind: z.literal('stall'), worker: z.number().int().nonnegative(), at: delayMs, factor: z.number().finite().positive() }),
]);

/** Each problem of a zod result as 'path: message' (`whole` when the whole value is wrong). */
function problemsOf(error: z.ZodError, whole = 'options'): string[] {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : whole}: ${issue.message}`);
}

/** A fault given to `injectFault`, checked like the `faults` option; ClusterConfigError names each bad field. */
export function validateFault(fault: unknown): WorkerFaultSpec {
  const result = faultSpec.safeParse(fault);
  if (result.success) return fault as WorkerFaultSpec;
  throw new ClusterConfigError(problemsOf(result.error, 'fault'), 'fault');
}

const schema = z
  .object({
    workers: positiveInt.max(4096).optional(),
    profile: z.custom<CapacityProfile>((v) => typeof v === 'object' && v !== null && 'layers' in v, 'expected a capacity profile').optional(),
    capacity: z
      .union([z.number().int().min(2), z.literal('unbounded')], { error: "expected an integer ≥ 2 (a request needs a block to grow) or 'unbounded'" })
      .optional(),
    strategy: z
      .union([z.enum(STRATEGY_NAMES), z.custom<Strategy>((v) => typeof v === 'function', 'expected a function')], {
        error: `expected one of ${STRATEGY_NAMES.join(', ')} or a strategy function`,
      })
      .optional(),
    view: z.enum(['events', 'approx']).optional(),
    latency: latencyOption.optional(),
    tokens: z.custom<TokenSource>((v) => typeof v === 'object' && v !== null && typeof (v as TokenSource).next === 'function', 'expected a token source').optional(),
    model: z.string().min(1).optional(),
    faults: z.array(faultSpec).optional(),
    kvFaults: z
      .strictObject({ drop: z.number().min(0).max(1).optional(), duplicate: z.number().min(0).max(1).optional(), reorderMs: delayMs.optional() })
      .optional(),
    debug: z.boolean().optional(),
    seed: z.number().int().optional(),
    clock: z.enum(['virtual', 'realtime']).optional(),
    speed: z.number().finite().positive().optional(),
    decode: z.enum(['segments', 'steps']).optional(),
    delays: z.partialRecord(z.enum(MESSAGE_TYPES), delayMs).optional(),
    maxRunning: positiveInt.optional(),
    maxBatchedTokens: positiveInt.optional(),
    maxContextTokens: positiveInt.optional(),
    uncachedFreed: z.enum(['tail', 'head']).optional(),
    hashRoot: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex characters').optional(),
    inspect: z
      .custom<((e: InspectionEvent) => void) | Observer<InspectionEvent>>(
        (v) => typeof v === 'function' || (typeof v === 'object' && v !== null && typeof (v as Observer<InspectionEvent>).next === 'function'),
        'expected a function or an observer with next()',
      )
      .optional(),
  })
  .strict()
  .refine((o) => o.model === undefined || o.tokens === undefined, { message: 'give either tokens or model, not both', path: ['model'] })
  .refine((o) => (o.faults ?? []).every((f) => f.worker < (o.workers ?? 4)), { message: 'a fault names a worker that does not exist', path: ['faults'] });

/** Checks `options`, throwing ClusterConfigError with every problem found. */
export function validateClusterOptions(options: unknown): ClusterOptions {
  const result = schema.safeParse(options ?? {});
  if (result.success) return (options ?? {}) as ClusterOptions;
  throw new ClusterConfigError(problemsOf(result.error));
}
