// The checks that several strategies' options share, each pushing "name = value (what it must be)"
// onto a list, so that one RoutingOptionError names every bad field at once.

import { RoutingOptionError } from './errors.ts';
import type { ViewSpec } from './types.ts';

/** SGLang's load-guard thresholds: an absolute gap ≥ 0 and a finite ratio ≥ 1. */
export function checkGuard(balanceAbs: number, balanceRel: number, bad: string[]): void {
  if (!(balanceAbs >= 0)) bad.push(`balanceAbs = ${balanceAbs} (≥ 0)`);
  if (!(balanceRel >= 1) || !Number.isFinite(balanceRel)) bad.push(`balanceRel = ${balanceRel} (finite, ≥ 1)`);
}

/** A fraction in 0..1. */
export function checkFraction(name: string, value: number, bad: string[]): void {
  if (!(value >= 0 && value <= 1)) bad.push(`${name} = ${value} (0..1)`);
}

/** An approximate tree's budget (an integer ≥ 1 or Infinity) and its eviction interval (finite, > 0). */
export function checkTree(maxTreeBlocks: number, evictionIntervalMs: number, bad: string[]): void {
  if (!(maxTreeBlocks === Infinity || (Number.isInteger(maxTreeBlocks) && maxTreeBlocks >= 1))) {
    bad.push(`maxTreeBlocks = ${maxTreeBlocks} (an integer ≥ 1, or Infinity)`);
  }
  if (!(evictionIntervalMs > 0) || !Number.isFinite(evictionIntervalMs)) bad.push(`evictionIntervalMs = ${evictionIntervalMs} (finite, > 0)`);
}

/** The approximate view of a tree router with this budget, per worker or `shared` by all. */
export function treeView(maxTreeBlocks: number, evictionIntervalMs: number, shared: boolean): ViewSpec {
  return { kind: 'approx', maxBlocks: maxTreeBlocks, shared, evictionIntervalMs };
}

/** Throws one RoutingOptionError naming every bad field of `strategy`'s options, if any. */
export function throwIfBad(strategy: string, bad: readonly string[]): void {
  if (bad.length > 0) throw new RoutingOptionError(`invalid ${strategy} options: ${bad.join(', ')}`);
}
