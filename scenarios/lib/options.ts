// Flags every scenario shares, parsed with commander; each value is checked where it is parsed,
// so a bad flag stops the run with a message naming it (and commander's non-zero exit).

import { availableParallelism } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { oneLineErrors } from './one-line-errors.ts';
import { parseDuration } from './fault-flags.ts';
import { CAPACITY_PROFILES, DEFAULT_PROFILE, blocksPerWorker } from '../../src/cache/capacity.ts';
import { LATENCY_MODEL_NAMES, type LatencyModelName } from '../../src/latency-model.ts';
import { BASIC_STRATEGY_NAMES, PEER_STRATEGY_NAMES, STRATEGY_NAMES, type StrategyName } from '../../src/routing/strategies.ts';

export interface CommonOptions {
  readonly workers: number;
  readonly strategy: readonly StrategyName[];
  readonly routerView: 'events' | 'approx';
  readonly model: string;
  readonly seed: number;
  readonly requests: number;
  readonly capacity: number | 'unbounded' | undefined;
  readonly profile: string;
  readonly latency: LatencyModelName;
  readonly maxRunning: number | undefined;
  readonly maxBatchedTokens: number | undefined;
  readonly uncachedFreed: 'tail' | 'head';
  readonly out: string | undefined;
  readonly quiet: boolean;
  readonly kvDelay: number;
  readonly inspect: boolean;
  readonly inspectPort: number;
  /** With --inspect: 1 when unset. With --dashboard: unset runs at full (virtual) speed. */
  readonly speed: number | undefined;
  /** The live dashboard's port (0: any free one); unset: no dashboard. */
  readonly dashboard: number | undefined;
  /** Keep the dashboard up after the run until Ctrl-C; unset: when the terminal is interactive. */
  readonly dashboardHold: boolean | undefined;
  readonly killWorker: readonly string[];
  readonly restartWorker: readonly string[];
  readonly stallWorker: readonly string[];
  readonly kvDrop: number;
  readonly kvDuplicate: number;
  readonly kvReorder: number;
  readonly debug: boolean;
  /** Unset: the cores with --model dummy, else 1 (see defaultJobs). */
  readonly jobs: number | undefined;
}

/** The live dashboard's port when `--dashboard` names none. */
export const DASHBOARD_PORT = 4400;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A duration flag: '50ms', '1.5s', '2m' or a bare number of ms. */
function duration(flag: string) {
  return (value: string): number => {
    try {
      return parseDuration(value, flag);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message.replace(`${flag}: `, ''));
    }
  };
}

/** A parser for integers in [min, max], naming the flag in its error. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer ${max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`}, got '${value}'`);
    }
    return n;
  };
}

/** A parser for finite numbers in [min, max]. */
export function decimal(min: number, max = Number.MAX_VALUE) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number ${max === Number.MAX_VALUE ? `≥ ${min}` : `from ${min} to ${max}`}, got '${value}'`);
    }
    return n;
  };
}

/** --jobs when not given: the cores for dummy tokens; 1 for a model, since one thread computes its answers once for every strategy while each extra thread would compute them again. */
export function defaultJobs(options: Pick<CommonOptions, 'jobs' | 'model'>): number {
  return options.jobs ?? (options.model === 'dummy' ? availableParallelism() : 1);
}

/** Names that stand for several strategies. */
const STRATEGY_GROUPS: Readonly<Record<string, readonly StrategyName[]>> = {
  all: STRATEGY_NAMES,
  basic: BASIC_STRATEGY_NAMES,
  peers: PEER_STRATEGY_NAMES,
};

/** `--strategy`: a name, a group (all, basic, peers) or a comma-separated list of both; each strategy once, in order. */
export function parseStrategies(value: string): StrategyName[] {
  const names = value.split(',').map((s) => s.trim());
  const unknown = names.filter((n) => !(STRATEGY_NAMES as readonly string[]).includes(n) && STRATEGY_GROUPS[n] === undefined);
  if (unknown.length > 0) {
    throw new InvalidArgumentError(`unknown strategy '${unknown.join("', '")}'; valid: ${STRATEGY_NAMES.join(', ')}, or all, basic, peers (or a comma-separated list)`);
  }
  const chosen = names.flatMap((n) => STRATEGY_GROUPS[n] ?? [n as StrategyName]);
  return [...new Set(chosen)];
}

function capacity(value: string): number | 'unbounded' {
  return value === 'unbounded' ? 'unbounded' : integer(2)(value);
}

/** A command with the flags every scenario shares; `defaults` sets the scenario's own defaults. */
export function scenarioCommand(name: string, description: string, defaults: { requests: number; requestsLabel?: string; workers?: number }): Command {
  return oneLineErrors(new Command(name)
    .description(description)
    .addOption(new Option('--workers <n>', 'number of workers').argParser(integer(1, 4096)).default(defaults.workers ?? 4))
    .addOption(
      new Option(
        '--strategy <name>',
        `routing strategy: ${STRATEGY_NAMES.join(', ')}; or all, basic (${BASIC_STRATEGY_NAMES.join(', ')}), peers (the production routers), or a comma-separated list; each on the same requests`,
      )
        .argParser(parseStrategies)
        .default([...STRATEGY_NAMES], 'all'),
    )
    .addOption(new Option('--router-view <view>', "the router's view of the caches: events (KV events) or approx (its own decisions)").choices(['events', 'approx']).default('events'))
    .addOption(new Option('--model <model>', 'decode tokens: tiny (built-in GPT-2, offline), dummy (seeded, no model), a hub id (e.g. Xenova/gpt2, needs internet) or a model folder').default('tiny'))
    .addOption(new Option('--seed <n>', 'seed of the workload and the tokens').argParser(integer(0, 2 ** 31 - 1)).default(1))
    .addOption(new Option('--requests <n>', 'number of requests').argParser(integer(1)).default(defaults.requests, defaults.requestsLabel))
    .addOption(
      new Option('--profile <name>', `model × GPU, which sets the blocks per worker and the roofline's costs: ${CAPACITY_PROFILES.map((p) => `${p.name} (${blocksPerWorker(p)} blocks)`).join(', ')}`)
        .choices(CAPACITY_PROFILES.map((p) => p.name))
        .default(DEFAULT_PROFILE.name),
    )
    .addOption(new Option('--capacity <blocks>', "KV blocks per worker, or unbounded (default: the profile's)").argParser(capacity))
    .addOption(
      new Option('--latency <model>', 'what a step costs: seed (5 ms + 2.5 ms per block prefill, 15 ms per decode step, whatever the batch) or roofline (memory and compute time of the step on the profile\'s GPU)')
        .choices(LATENCY_MODEL_NAMES)
        .default('seed'),
    )
    .addOption(new Option('--max-running <n>', "most sequences running on a worker (vLLM's max_num_seqs; default 256, or vLLM's for the GPU under roofline: 256 on A100s, 1024 on H100s)").argParser(integer(1)))
    .addOption(new Option('--max-batched-tokens <n>', "most prompt tokens a prefill step computes, longer prompts chunked (vLLM's max_num_batched_tokens; default unlimited, or vLLM's under roofline: 2048 on A100s, 8192 on H100s)").argParser(integer(1)))
    .addOption(new Option('--uncached-freed <where>', "where a freed partial block goes in a worker's free queue: tail (vLLM's free_blocks) or head (taken first, sparing cached blocks)").choices(['tail', 'head']).default('tail'))
    .addOption(new Option('--kv-delay <time>', 'deliver KV events to the router this late (a stale view), e.g. 50ms').argParser(duration('--kv-delay')).default(0))
    .addOption(new Option('--kv-drop <p>', 'drop each KV event on its way to the router with probability p').argParser(decimal(0, 1)).default(0))
    .addOption(new Option('--kv-duplicate <p>', 'deliver each KV event twice with probability p').argParser(decimal(0, 1)).default(0))
    .addOption(new Option('--kv-reorder <time>', 'delay each KV event by up to this much more, at random, so events overtake each other').argParser(duration('--kv-reorder')).default(0))
    .addOption(new Option('--kill-worker <w@time>', 'kill worker w at a virtual time, e.g. 2@600s (repeatable): its cache is lost, its requests are routed again').argParser(collect).default([]))
    .addOption(new Option('--restart-worker <w@time>', 'restart worker w, empty, e.g. 2@900s (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--stall-worker <w@time:kx>', 'from a virtual time on, worker w takes k × longer per step, e.g. 1@300s:4x (1x ends it; repeatable)').argParser(collect).default([]))
    .addOption(new Option('--debug', 'check every cache invariant after every step and that no request ends twice (slow)').default(false))
    .addOption(
      new Option(
        '--jobs <n>',
        `strategies side by side: this thread and n − 1 worker threads (1: one after another, in this thread); the results are the same. Default: the cores (${availableParallelism()}) with --model dummy; 1 with a model, whose answers one thread computes once for every strategy`,
      ).argParser(integer(1, 256)),
    )
    .addOption(new Option('--out <dir>', `where results.json and the plots go (default: results/${name}/)`))
    .addOption(new Option('--quiet', 'print only errors and the results path'))
    .addOption(new Option('--inspect', 'watch the router and workers in the Stately inspector: runs in real time (see --speed)').default(false))
    .addOption(new Option('--inspect-port <port>', 'port of the local inspector server').argParser(integer(1, 65_535)).default(8080))
    .addOption(new Option('--speed <x>', 'run on the wall clock at x virtual ms per wall ms (1 = real time): with --inspect (default 1) or --dashboard (default: no wall clock, full speed)').argParser(decimal(0.001, 1_000_000)))
    .addOption(
      new Option('--dashboard [port]', `follow the run live in a browser page at http://127.0.0.1:port (${DASHBOARD_PORT} if no port; 0 = any free port); strategies run one after another (no --jobs). Put it after replay's trace, or give the port`)
        .argParser(integer(0, 65_535))
        .preset(String(DASHBOARD_PORT)),
    )
    .addOption(new Option('--dashboard-hold', 'keep the dashboard page up after the run, until Ctrl-C (the default in an interactive terminal)'))
    .addOption(new Option('--no-dashboard-hold', 'close the dashboard when the run ends (the default when output is piped or in CI)')));
}
