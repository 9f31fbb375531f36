// The router as a statechart: one state, `routing`, in which every submitted request is decided
// at once (routing takes no virtual time) and every other message updates the view.

import { setup } from 'xstate';
import type { RequestRetry, RequestSubmitted, WorkerDown, WorkerUp } from '../messages.ts';
import type { RouterCore } from './router-core.ts';

export interface RouterInput {
  readonly core: RouterCore;
}

/** NOTE: the core (view, index, loads) is mutable by design, like a worker's engine; only actions touch it. */
export interface RouterContext {
  readonly core: RouterCore;
}

/**
 * The router steps only for what changes its behaviour: a request to decide, a worker coming or
 * going. KV events and request lifecycle messages feed its view straight from the bus (see
 * RouterCore.observe), as Dynamo's indexer is fed beside its scheduler: there are dozens of them
 * per request, and an actor step each would cost more than the whole decision.
 */
export type RouterEvent = RequestSubmitted | RequestRetry | WorkerUp | WorkerDown;

export const routerMachine = setup({
  types: {
    context: {} as RouterContext,
    input: {} as RouterInput,
    events: {} as RouterEvent,
  },
  // The event as params, narrowed by the transition that names it.
  actions: {
    route: ({ context }, params: { submitted: RequestSubmitted }) => context.core.route(params.submitted),
    retry: ({ context }, params: { retry: RequestRetry }) => context.core.retry(params.retry),
    observe: ({ context, event }) => context.core.observe(event),
  },
}).createMachine({
  id: 'router',
  context: ({ input }) => ({ core: input.core }),
  initial: 'routing',
  states: {
    routing: {
      on: {
        'REQUEST.SUBMITTED': { actions: { type: 'route', params: ({ event }) => ({ submitted: event }) } },
        'REQUEST.RETRY': { actions: { type: 'retry', params: ({ event }) => ({ retry: event }) } },
        'WORKER.UP': { actions: 'observe' },
        'WORKER.DOWN': { actions: 'observe' },
      },
    },
  },
});
