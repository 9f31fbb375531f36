// Every timing rule of the simulation, in one place (DESIGN §3.4):
//   prefill step = prefillBaseMs + prefillPerBlockMs × Σ blocks to compute
//   decode step  = decodeStepMs (every running sequence gets one token)
// A request alone on an idle worker therefore ends at
//   prefillBaseMs + prefillPerBlockMs × blocks to compute + decodeStepMs × output tokens.

export interface LatencyModel {
  /** Fixed cost of a prefill step, in ms. */
  readonly prefillBaseMs: number;
  /** Cost of computing one 16-token block of prompt (not found in the cache), in ms. */
  readonly prefillPerBlockMs: number;
  /** Cost of one decode step (one token for every running sequence), in ms. */
  readonly decodeStepMs: number;
}

export const DEFAULT_LATENCY: LatencyModel = {
  prefillBaseMs: 5,
  prefillPerBlockMs: 2.5,
  decodeStepMs: 15,
};

/** Thrown for a latency parameter that is not a finite number ≥ 0 (> 0 for the decode step). */
export class LatencyModelError extends RangeError {
  override readonly name = 'LatencyModelError';
}

/** The default model with `overrides` applied, after checking every field. */
export function latencyModel(overrides: Partial<LatencyModel> = {}): LatencyModel {
  const model = { ...DEFAULT_LATENCY, ...overrides };
  const bad: string[] = [];
  for (const [field, value] of Object.entries(model)) {
    const ok = Number.isFinite(value) && (field === 'decodeStepMs' ? value > 0 : value >= 0);
    if (!ok) bad.push(`${field} = ${value}`);
  }
  if (bad.length > 0) {
    throw new LatencyModelError(`invalid latency model: ${bad.join(', ')} (finite, ≥ 0; decodeStepMs > 0)`);
  }
  return model;
}

/** Duration of a prefill step that computes `blocks` blocks. */
export function prefillMs(model: LatencyModel, blocks: number): number {
  return model.prefillBaseMs + model.prefillPerBlockMs * blocks;
}

/** Duration of `steps` decode steps. */
export function decodeMs(model: LatencyModel, steps: number): number {
  return model.decodeStepMs * steps;
}
