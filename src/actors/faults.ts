// Faults a run can suffer, as data: deterministic (times are virtual; random KV faults draw from
// the run's seed). Scenario flags parse into these.

import type { WorkerId } from '../messages.ts';

/** A fault that hits one worker at a virtual time. */
export type WorkerFaultSpec =
  /** The worker dies: its cache is gone, its requests are routed again (or fail when none is left). */
  | { readonly kind: 'kill'; readonly worker: WorkerId; readonly at: number }
  /** The worker comes back, empty. */
  | { readonly kind: 'restart'; readonly worker: WorkerId; readonly at: number }
  /** From `at` on, the worker's steps take `factor` × as long (1 ends the stall). */
  | { readonly kind: 'stall'; readonly worker: WorkerId; readonly at: number; readonly factor: number };

/** Faults of the KV events on their way to the router (observers still see every event once). */
export interface KvFaults {
  /** Probability that a KV event is never delivered. */
  readonly drop?: number;
  /** Probability that a KV event is delivered twice. */
  readonly duplicate?: number;
  /** Each KV event is delivered up to this many ms late (uniform), so events may overtake each other. */
  readonly reorderMs?: number;
}

/** A fault flag's value that cannot be read; the message names the flag and the expected form. */
export class FaultSpecError extends RangeError {
  override readonly name = 'FaultSpecError';
}

/** Virtual ms from '600s', '250ms', '1.5s' or a bare number of ms. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (m === null) throw new FaultSpecError(`${flag}: '${text}' is not a duration; write e.g. 600s, 250ms or 1.5s`);
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
}

/** 'W@T' (kill, restart) or 'W@T:Kx' (stall) → a fault; `workers` bounds the worker id. */
export function parseWorkerFault(kind: WorkerFaultSpec['kind'], text: string, workers: number): WorkerFaultSpec {
  const flag = `--${kind}-worker`;
  const form = kind === 'stall' ? 'WORKER@TIME:FACTORx, e.g. 1@300s:4x' : 'WORKER@TIME, e.g. 2@600s';
  const m = /^(\d+)@([^:]+)(?::(\d+(?:\.\d+)?)x)?$/.exec(text.trim());
  if (m === null || (kind === 'stall') !== (m[3] !== undefined)) throw new FaultSpecError(`${flag}: '${text}' is not ${form}`);
  const worker = Number(m[1]);
  if (worker >= workers) throw new FaultSpecError(`${flag}: worker ${worker} does not exist; workers are 0..${workers - 1}`);
  const at = parseDuration(m[2]!, flag);
  if (kind !== 'stall') return { kind, worker, at };
  const factor = Number(m[3]);
  if (!(factor > 0)) throw new FaultSpecError(`${flag}: the factor in '${text}' must be > 0`);
  return { kind, worker, at, factor };
}
