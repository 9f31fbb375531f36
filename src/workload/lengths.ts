// Token counts and durations that are either fixed or drawn per request from a seeded range.

import { WorkloadOptionError, checkInteger } from './option-checks.ts';

/** A count: fixed, or drawn uniformly from the integers in [min, max] for each request. */
export type LengthSpec = number | { readonly min: number; readonly max: number };

/** Throws unless `spec` is an integer ≥ `least`, or a range of such integers with min ≤ max. */
export function checkLength(name: string, spec: LengthSpec, least = 1): void {
  if (typeof spec === 'number') return checkInteger(name, spec, least);
  checkInteger(`${name}.min`, spec.min, least);
  checkInteger(`${name}.max`, spec.max, least);
  if (spec.min > spec.max) throw new WorkloadOptionError(`${name} is [${spec.min}, ${spec.max}]; expected min ≤ max`);
}

/** One count from the spec (a fixed count draws nothing). */
export function drawLength(spec: LengthSpec, random: () => number): number {
  if (typeof spec === 'number') return spec;
  return spec.min + Math.floor(random() * (spec.max - spec.min + 1));
}
