// A sweep file: a scenario, its fixed flags (`args`) and the flags that vary (`factors`, each a
// list of levels), optionally a list of seeds. JSON or YAML, checked with one schema; a mistake is
// one SweepError naming the file and the field:
//
//   { "scenario": "replay",
//     "args": { "trace": "t.jsonl", "model": "dummy" },
//     "factors": { "strategy": ["cache-aware", "round-robin"], "workers": [4, 8] },
//     "seeds": [1, 2] }
//
// Flag names are written as on the command line without the dashes ("kv-delay"); a positional
// argument by its name ("trace"). Whether a flag exists and a level is valid is the scenario's
// command's to say (scenarios/lib/sweep-flags.ts): this file knows the shape, not the flags.

import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SweepError } from './errors.ts';

/** One value of a flag. */
export type Level = string | number | boolean;

export interface SweepSpec {
  readonly scenario: string;
  /** Flags every configuration shares; an array repeats the flag (--kill-worker a --kill-worker b). */
  readonly args: Readonly<Record<string, Level | readonly Level[]>>;
  /** Flag → its levels, in the file's order; the cross product of all of them is the sweep. */
  readonly factors: Readonly<Record<string, readonly Level[]>>;
}

const level = z.union([z.string(), z.number().refine(Number.isFinite, 'expected a finite number'), z.boolean()], {
  error: 'expected a string, a number or a boolean',
});
const flagName = z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a flag name as on the command line without the dashes, e.g. kv-delay');

const sweepSchema = z.strictObject({
  scenario: z.string({ error: 'expected the name of a scenario' }),
  args: z.record(flagName, z.union([level, z.array(level)], { error: 'expected a string, a number, a boolean or a list of them' })).default({}),
  factors: z.record(flagName, z.array(level, { error: 'expected a list of levels' }).min(1, 'expected at least one level')).default({}),
  seeds: z.array(z.int({ error: 'expected an integer seed from 0 to 2^31 − 1' }).min(0, 'expected an integer seed from 0 to 2^31 − 1').max(2 ** 31 - 1, 'expected an integer seed from 0 to 2^31 − 1'), { error: 'expected a list of integer seeds' }).min(1, 'expected at least one seed').optional(),
});

/** The field of a zod issue as a reader finds it in the file: factors.workers[1]. */
function fieldOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`), '');
}

/** Parses and checks a sweep file's text; `source` (its path) names it in errors, its extension picks JSON or YAML. */
export function parseSweepFile(text: string, source: string, scenarios: readonly string[]): SweepSpec {
  let raw: unknown;
  const yaml = /^\.ya?ml$/i.test(extname(source));
  try {
    raw = yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    const why = (error as Error).message.split('\n')[0];
    throw new SweepError(`${source}: not valid ${yaml ? 'YAML' : 'JSON'} (${why})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SweepError(`${source}: expected an object with scenario, args and factors`);
  const parsed = sweepSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = fieldOf(issue.path);
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field '${issue.keys.join("', '")}'; a sweep file has scenario, args, factors and seeds`
        : issue.code === 'invalid_key'
          ? (issue.issues[0]?.message ?? issue.message)
          : issue.message;
    throw new SweepError(`${source}: ${field === '' ? '' : `${field}: `}${message}`);
  }
  const { scenario, args, factors, seeds } = parsed.data;
  if (!scenarios.includes(scenario)) throw new SweepError(`${source}: scenario: unknown scenario '${scenario}'; expected one of ${scenarios.join(', ')}`);
  for (const [name, levels] of Object.entries(factors)) {
    if (name in args) throw new SweepError(`${source}: factors.${name}: also set in args; a flag is either fixed (args) or varied (factors)`);
    const seen = new Set<string>();
    levels.forEach((l, i) => {
      if (seen.has(JSON.stringify(l))) throw new SweepError(`${source}: factors.${name}[${i}]: ${JSON.stringify(l)} is listed twice`);
      seen.add(JSON.stringify(l));
    });
  }
  if (seeds !== undefined) {
    if ('seed' in args || 'seed' in factors) throw new SweepError(`${source}: seeds: the seed is also set in ${'seed' in args ? 'args' : 'factors'}; give it in one place`);
    if (new Set(seeds).size !== seeds.length) throw new SweepError(`${source}: seeds: a seed is listed twice`);
  }
  return { scenario, args, factors: seeds === undefined ? factors : { ...factors, seed: seeds } };
}
