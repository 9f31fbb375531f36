// The configurations of a sweep: the cross product of its factors' levels, the last factor varying
// fastest (as nested loops in the file's order). Each configuration is keyed by a hash of what it
// runs (scenario and every flag), so its results can be found again: a rerun skips what is stored,
// and shards on different machines agree on the names without talking to each other.

import { createHash } from 'node:crypto';
import type { Level, SweepSpec } from './sweep-file.ts';

export interface Configuration {
  /** Position in the cross product, 0-based (shards take every N-th). */
  readonly index: number;
  /** Factor → this configuration's level, in the sweep's factor order. */
  readonly levels: Readonly<Record<string, Level>>;
  /** Every flag of the run: the sweep's args and these levels. */
  readonly args: Readonly<Record<string, Level | readonly Level[]>>;
  /** 16 hex digits of SHA-256 over the scenario and the args, keys sorted. */
  readonly key: string;
}

/** The key of a run of `scenario` with `args`: independent of the order the flags were written in. */
export function configurationKey(scenario: string, args: Readonly<Record<string, Level | readonly Level[]>>): string {
  const sorted = Object.fromEntries(Object.keys(args).sort().map((k) => [k, args[k]]));
  return createHash('sha256').update(JSON.stringify([scenario, sorted])).digest('hex').slice(0, 16);
}

/** Every configuration of `spec`, in cross-product order. */
export function sweepConfigurations(spec: SweepSpec): Configuration[] {
  const factors = Object.entries(spec.factors);
  let points: Record<string, Level>[] = [{}];
  for (const [name, levels] of factors) points = points.flatMap((point) => levels.map((l) => ({ ...point, [name]: l })));
  return points.map((levels, index) => {
    const args = { ...spec.args, ...levels };
    return { index, levels, args, key: configurationKey(spec.scenario, args) };
  });
}

/** The factors with more than one level: the ones a table or a plot has to tell apart. */
export function varyingFactors(spec: SweepSpec): string[] {
  return Object.entries(spec.factors)
    .filter(([, levels]) => levels.length > 1)
    .map(([name]) => name);
}
