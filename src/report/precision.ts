// The one rounding rule of results.json: integers are written exactly; every other number is
// rounded to 6 significant digits (0.366412, 1234.57, 1.23457e-7). Six digits keep every figure
// the project reports (rates, milliseconds) well past what a reader compares, and hide the
// last-bit noise of float sums, so that a document reads the same on every machine.

import { ReportInputError } from './errors.ts';

/** Significant digits of every non-integer number in results.json. */
export const SIGNIFICANT_DIGITS = 6;

/** `value` rounded by the results rule: integers unchanged, others to 6 significant digits; -0 → 0. */
export function roundNumber(value: number, path = 'value'): number {
  if (!Number.isFinite(value)) {
    throw new ReportInputError(`${path} is ${value}; results.json holds finite numbers only (a ratio over 0 is 0)`);
  }
  const rounded = Number.isInteger(value) ? value : Number(value.toPrecision(SIGNIFICANT_DIGITS));
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** A copy of `value` with every number rounded by `roundNumber`; keys keep their order. */
export function roundDeep<T>(value: T, path = '$'): T {
  return roundAny(value, path) as T;
}

function roundAny(value: unknown, path: string): unknown {
  if (typeof value === 'number') return roundNumber(value, path);
  if (Array.isArray(value)) return value.map((v: unknown, i) => roundAny(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = roundAny(v, `${path}.${key}`);
    return out;
  }
  return value;
}
