// The router as a statechart: one state, `routing`, in which every submitted request is decided
// at once (routing takes no virtual time) and every other message updates the view.

import { enqueueActions, setup } from 'xstate';
import type { KvMessage, Message, RequestSubmitted, WorkerDown, WorkerUp } from '../messages.ts';
import type { RouterCore } from './router-core.ts';

export interface RouterInput {
  readonly core: RouterCore;
}

/** NOTE: the core (view, index, loads) is mutable by design, like a worker's engine; only actions touch it. */
export interface RouterContext {
  readonly core: RouterCore;
}

/** Lifecycle messages that change the router's estimate of a worker's load. */
export type LoadMessage = Extract<Message, { type: 'REQUEST.PREFILLED' | 'REQUEST.COMPLETED' | 'REQUEST.REJECTED' | 'REQUEST.FAILED' }>;

export type RouterEvent = RequestSubmitted | KvMessage | LoadMessage | WorkerUp | WorkerDown;

/** Message types the router receives from the bus. */
export const ROUTER_INPUTS: readonly RouterEvent['type'][] = [
  'REQUEST.SUBMITTED',
  'KV.STORED',
  'KV.REMOVED',
  'KV.CLEARED',
  'REQUEST.PREFILLED',
  'REQUEST.COMPLETED',
  'REQUEST.REJECTED',
  'REQUEST.FAILED',
  'WORKER.UP',
  'WORKER.DOWN',
];

export const routerMachine = setup({
  types: {
    context: {} as RouterContext,
    input: {} as RouterInput,
    events: {} as RouterEvent,
    emitted: {} as Message,
  },
  actions: {
    route: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'REQUEST.SUBMITTED') enqueue.emit(context.core.route(event));
    }),
    observe: ({ context, event }) => context.core.observe(event),
  },
}).createMachine({
  id: 'router',
  context: ({ input }) => ({ core: input.core }),
  initial: 'routing',
  states: {
    routing: {
      on: {
        'REQUEST.SUBMITTED': { actions: 'route' },
        'KV.STORED': { actions: 'observe' },
        'KV.REMOVED': { actions: 'observe' },
        'KV.CLEARED': { actions: 'observe' },
        'REQUEST.PREFILLED': { actions: 'observe' },
        'REQUEST.COMPLETED': { actions: 'observe' },
        'REQUEST.REJECTED': { actions: 'observe' },
        'REQUEST.FAILED': { actions: 'observe' },
        'WORKER.UP': { actions: 'observe' },
        'WORKER.DOWN': { actions: 'observe' },
      },
    },
  },
});
