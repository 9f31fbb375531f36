// A sweep file read and checked against its scenario's command: every fixed flag and every level
// is parsed by the same commander command as on the command line, so a bad level is refused with
// the flag's own message, prefixed by the file and the field. A strategy level that names several
// strategies (all, peers, a list) becomes one level per strategy.

import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fsReason } from '../../src/errors.ts';
import { SweepError } from '../../src/experiment/errors.ts';
import { sweepConfigurations, type Configuration } from '../../src/experiment/sweep-configurations.ts';
import { parseSweepFile, type Level, type SweepSpec } from '../../src/experiment/sweep-file.ts';
import { FlagError, parseFlags, SCENARIO_ARGUMENTS } from './commands.ts';
import { parseStrategies } from './options.ts';
import { SCENARIO_NAMES, type ScenarioFlags, type ScenarioName } from './workloads.ts';

/** Flags the sweep sets itself: where results go, how many threads, and the interactive ones. */
const SWEEP_OWNED = ['out', 'quiet', 'jobs', 'inspect', 'inspect-port', 'speed', 'dashboard', 'dashboard-hold'];
/** Flags whose value is a path: relative to the sweep file's folder, as a reader of the file expects. */
const PATH_FLAGS = ['trace', 'docs'];

export interface LoadedSweep {
  readonly path: string;
  readonly spec: SweepSpec & { readonly scenario: ScenarioName };
  readonly configurations: readonly Configuration[];
  /** The flags of each configuration, by key. */
  readonly flags: ReadonlyMap<string, ScenarioFlags[ScenarioName]>;
}

/** The command-line arguments of `args` (positional arguments first), paths resolved against `baseDir`. */
export function argvOf(scenario: ScenarioName, args: Readonly<Record<string, Level | readonly Level[]>>, baseDir: string): string[] {
  const value = (name: string, v: Level): string => (PATH_FLAGS.includes(name) && typeof v === 'string' && !isAbsolute(v) ? resolve(baseDir, v) : String(v));
  const positional: readonly string[] = SCENARIO_ARGUMENTS[scenario];
  const argv = positional.filter((name) => args[name] !== undefined).map((name) => value(name, args[name] as Level));
  for (const [name, v] of Object.entries(args)) {
    if (positional.includes(name)) continue;
    for (const one of Array.isArray(v) ? (v as readonly Level[]) : [v as Level]) {
      if (one === false) continue;
      argv.push(`--${name}`);
      if (one !== true) argv.push(value(name, one));
    }
  }
  return argv;
}

/** Reads, checks and expands the sweep file at `path`. */
export async function loadSweep(path: string): Promise<LoadedSweep> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SweepError(`${path}: cannot read the sweep file: ${fsReason(error)}`);
  }
  const parsed = parseSweepFile(text.replace(/^\uFEFF/, ''), path, SCENARIO_NAMES);
  const scenario = parsed.scenario as ScenarioName;
  const baseDir = dirname(path);
  const positional: readonly string[] = SCENARIO_ARGUMENTS[scenario];

  const check = (field: string, args: Readonly<Record<string, Level | readonly Level[]>>): ScenarioFlags[ScenarioName] => {
    try {
      return parseFlags(scenario, argvOf(scenario, args, baseDir));
    } catch (error) {
      if (error instanceof FlagError) throw new SweepError(`${path}: ${field}: ${error.message.replace(/unknown option '--([^']*)'/, `unknown flag '$1' of ${scenario}`).replace(/\(Did you mean --([^?]*)\?\)/, '(did you mean $1?)')}`);
      throw error;
    }
  };
  for (const name of [...Object.keys(parsed.args), ...Object.keys(parsed.factors)]) {
    const where = name in parsed.args ? 'args' : 'factors';
    if (SWEEP_OWNED.includes(name)) throw new SweepError(`${path}: ${where}.${name}: set by the sweep itself (see sweep.ts --help), not per configuration`);
  }
  for (const name of positional) {
    if (!(name in parsed.args) && !(name in parsed.factors)) throw new SweepError(`${path}: args.${name}: missing; ${scenario} needs its ${name}`);
  }
  // The fixed flags alone (with each positional's first level), then each level on top of them.
  const firstLevels = Object.fromEntries(positional.filter((n) => n in parsed.factors).map((n) => [n, parsed.factors[n]![0]!]));
  check('args', { ...parsed.args, ...firstLevels });
  const factors: Record<string, readonly Level[]> = {};
  for (const [name, levels] of Object.entries(parsed.factors)) {
    levels.forEach((level, i) => check(`factors.${name}[${i}]`, { ...parsed.args, ...firstLevels, [name]: level }));
    factors[name] = name === 'strategy' ? [...new Set(levels.flatMap((l) => parseStrategies(String(l))))] : levels;
  }
  // A strategy fixed to several names is a factor too: one configuration runs one strategy.
  const args: Record<string, Level | readonly Level[]> = { ...parsed.args };
  if (!('strategy' in factors)) {
    const strategies = parseStrategies(args['strategy'] === undefined ? 'all' : String(args['strategy']));
    delete args['strategy'];
    if (strategies.length === 1) args['strategy'] = strategies[0]!;
    else factors['strategy'] = strategies;
  }
  // A path that is not there fails every configuration: say so before running any.
  for (const [where, values] of [['args', parsed.args], ['factors', parsed.factors]] as const) {
    for (const name of PATH_FLAGS) {
      const value = values[name];
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
        const file = resolve(baseDir, String(one));
        await access(file).catch(() => {
          throw new SweepError(`${path}: ${where}.${name}: ${file}: no such file or folder (relative paths are read from the sweep file's folder)`);
        });
      }
    }
  }
  const spec = { scenario, args, factors };
  const configurations = sweepConfigurations(spec);
  const flags = new Map(configurations.map((c) => [c.key, check(`configuration ${c.index + 1} (${JSON.stringify(c.levels)})`, c.args)] as const));
  return { path, spec, configurations, flags };
}
