// The strategies by name (for `--strategy NAME`, `basic` and `all`), and the router's check of a
// strategy's answer.

import { createAibrix } from './aibrix.ts';
import { createCacheAware } from './cache-aware.ts';
import { createDynamo } from './dynamo.ts';
import { InvalidChoiceError, UnknownStrategyError } from './errors.ts';
import { leastLoaded } from './least-loaded.ts';
import { createLlmD } from './llm-d.ts';
import { createLlmDAffinity } from './llm-d-affinity.ts';
import { createLmetric } from './lmetric.ts';
import { longestPrefix } from './longest-prefix.ts';
import { roundRobin } from './round-robin.ts';
import { createSglang, createSglangLegacy } from './sglang.ts';
import { createSmg } from './smg.ts';
import type { RoutingChoice, RoutingContext, Strategy } from './types.ts';

export { NoWorkerAliveError, UnknownStrategyError, InvalidChoiceError } from './errors.ts';

/** The project's own strategies (`--strategy basic`); the first is the default. */
export const BASIC_STRATEGY_NAMES = ['cache-aware', 'longest-prefix', 'round-robin', 'least-loaded'] as const;

/** The production routers' policies, as PEERS.md pins them. */
export const PEER_STRATEGY_NAMES = ['sglang', 'sglang-legacy', 'smg', 'dynamo', 'llm-d', 'llm-d-affinity', 'aibrix', 'lmetric'] as const;

/** Every named strategy (`--strategy all`); the first is the default. */
export const STRATEGY_NAMES = [...BASIC_STRATEGY_NAMES, ...PEER_STRATEGY_NAMES] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Whether `name` is one of STRATEGY_NAMES. */
export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

/** A fresh strategy for `name` (each peer with its pinned defaults); throws UnknownStrategyError listing the valid names. */
export function createStrategy(name: string): Strategy {
  if (!isStrategyName(name)) throw new UnknownStrategyError(name, STRATEGY_NAMES);
  switch (name) {
    case 'cache-aware':
      return createCacheAware();
    case 'longest-prefix':
      return longestPrefix;
    case 'round-robin':
      return roundRobin;
    case 'least-loaded':
      return leastLoaded;
    case 'sglang':
      return createSglang();
    case 'sglang-legacy':
      return createSglangLegacy();
    case 'smg':
      return createSmg();
    case 'dynamo':
      return createDynamo();
    case 'llm-d':
      return createLlmD();
    case 'llm-d-affinity':
      return createLlmDAffinity();
    case 'aibrix':
      return createAibrix();
    case 'lmetric':
      return createLmetric();
  }
}

/** Throws InvalidChoiceError unless `choice` names an existing, alive worker of `context`. */
export function assertValidChoice(choice: RoutingChoice, context: RoutingContext): void {
  const id = choice.workerId;
  const count = context.workers.length;
  if (!Number.isInteger(id) || id < 0 || id >= count) {
    throw new InvalidChoiceError(choice, `but worker ids are integers 0..${count - 1}`);
  }
  if (!context.workers[id]!.alive) {
    const alive = context.workers.filter((w) => w.alive).map((w) => w.id);
    throw new InvalidChoiceError(choice, `which is down (alive: ${alive.length > 0 ? alive.join(', ') : 'none'})`);
  }
}
