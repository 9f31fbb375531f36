// Routing decisions of a real cluster, for the strategies' tests of their views end to end.

import { createCluster } from '../../src/actors/cluster.ts';
import type { RoutingDecision } from '../../src/messages.ts';
import type { Strategy } from '../../src/routing/types.ts';

/** Routes 64-token prompts (4 blocks) starting at these token ids, one a second, each finished before the next. */
export async function routePrompts(strategy: Strategy, starts: readonly number[]): Promise<RoutingDecision[]> {
  const cluster = createCluster({ workers: 2, strategy });
  const decisions: RoutingDecision[] = [];
  cluster.events$.subscribe((message) => {
    if (message.type === 'REQUEST.ROUTED') decisions.push(message.decision);
  });
  starts.forEach((start, i) => cluster.submit({ prompt: Array.from({ length: 64 }, (_, t) => start + t), maxTokens: 2 }, i * 1000));
  await cluster.run();
  return decisions;
}
