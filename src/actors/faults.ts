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

/** The first restart of a worker that is not down at its time (never killed, or restarted already); a fault list's mistake. */
export function restartOfLiveWorker(faults: readonly WorkerFaultSpec[]): WorkerFaultSpec | undefined {
  const down = new Set<WorkerId>();
  for (const fault of [...faults].sort((a, b) => a.at - b.at)) {
    if (fault.kind === 'kill') down.add(fault.worker);
    else if (fault.kind === 'restart' && !down.delete(fault.worker)) return fault;
  }
  return undefined;
}
