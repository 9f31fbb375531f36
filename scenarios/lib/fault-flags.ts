// The fault flags (--kill-worker, --restart-worker, --stall-worker) and durations (--kv-delay,
// --kv-reorder) as text, read into the fault specs of src/actors/faults.ts.

import type { WorkerFaultSpec } from '../../src/actors/faults.ts';
import { SimulatorError } from '../../src/errors.ts';

/** A fault flag's value that cannot be read; the message names the flag and the expected form. */
export class FaultSpecError extends SimulatorError {
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
