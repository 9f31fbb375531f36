// The strategies by name (for `--strategy NAME` and `--strategy all`), and the router's check of a
// strategy's answer.

import { createCacheAware } from './cache-aware.ts';
import { InvalidChoiceError, UnknownStrategyError } from './errors.ts';
import { leastLoaded } from './least-loaded.ts';
import { longestPrefix } from './longest-prefix.ts';
import { roundRobin } from './round-robin.ts';
import type { RoutingChoice, RoutingContext, Strategy } from './types.ts';

export { NoWorkerAliveError, UnknownStrategyError, InvalidChoiceError } from './errors.ts';

/** Every named strategy; the first is the default. */
export const STRATEGY_NAMES = ['cache-aware', 'longest-prefix', 'round-robin', 'least-loaded'] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Whether `name` is one of STRATEGY_NAMES. */
export function isStrategyName(name: string): name is StrategyName {
  return (STRATEGY_NAMES as readonly string[]).includes(name);
}

/** A fresh strategy for `name`; throws UnknownStrategyError listing the valid names. */
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
