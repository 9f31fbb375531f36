import { describe, expect, it } from 'vitest';
import { InvalidChoiceError, NoWorkerAliveError, STRATEGY_NAMES, UnknownStrategyError, assertValidChoice, createStrategy } from '../../src/routing/strategies.ts';
import { chain, makeContext, makeRequest, makeWorkers } from './factories.ts';

describe('strategies by name', () => {
  it('names cache-aware first (the default), then the others', () => {
    expect(STRATEGY_NAMES).toEqual(['cache-aware', 'longest-prefix', 'round-robin', 'least-loaded', 'sglang', 'sglang-legacy', 'smg', 'dynamo', 'llm-d', 'llm-d-affinity', 'aibrix', 'lmetric']);
  });

  it('creates each named strategy, which answers with its own rule', () => {
    const workers = makeWorkers([{}, {}]);
    const rules = STRATEGY_NAMES.map((name) => createStrategy(name)(makeRequest('r', chain('a', 4)), makeContext(workers, [4, 0])).rule);
    expect(rules).toEqual([
      'longest-prefix', 'longest-prefix', 'round-robin', 'least-loaded',
      'cache-hit', 'cache-hit', 'cache-hit', 'min-cost', 'max-score', 'affinity', 'prefix-match', 'lowest-score',
    ]);
  });

  it('an unknown name lists the valid ones', () => {
    expect(() => createStrategy('fastest')).toThrow(UnknownStrategyError);
    expect(() => createStrategy('fastest')).toThrow("unknown strategy 'fastest'; valid: cache-aware, longest-prefix, round-robin, least-loaded");
  });

  it('every strategy throws NoWorkerAliveError when no worker is alive', () => {
    const dead = makeContext(makeWorkers([{ alive: false }, { alive: false }]));
    for (const name of STRATEGY_NAMES) {
      expect(() => createStrategy(name)(makeRequest('r', chain('a', 2)), dead), name).toThrow(NoWorkerAliveError);
    }
  });
});

describe('assertValidChoice', () => {
  const context = makeContext(makeWorkers([{}, { alive: false }, {}]));

  it('accepts an alive worker', () => {
    expect(() => assertValidChoice({ workerId: 2, rule: 'x', reason: '' }, context)).not.toThrow();
  });

  it('names the answer when the worker does not exist', () => {
    expect(() => assertValidChoice({ workerId: 3, rule: 'mine', reason: '' }, context)).toThrow(
      "strategy chose worker 3 (rule 'mine'), but worker ids are integers 0..2; a strategy must return an alive worker's id",
    );
    expect(() => assertValidChoice({ workerId: 0.5, rule: 'mine', reason: '' }, context)).toThrow(InvalidChoiceError);
  });

  it('names the answer when the worker is down', () => {
    expect(() => assertValidChoice({ workerId: 1, rule: 'mine', reason: '' }, context)).toThrow(
      "strategy chose worker 1 (rule 'mine'), which is down (alive: 0, 2); a strategy must return an alive worker's id",
    );
  });
});
