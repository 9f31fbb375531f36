// The worker as a statechart: idle → prefill → decode, each step a timed transition whose delay
// comes from the latency model (through WorkerEngine). The machine says when things happen; the
// engine says what happens; every message goes out through XState's `emit`.

import { enqueueActions, setup } from 'xstate';
import type { Message, RequestRouted } from '../messages.ts';
import type { WorkerEngine } from './worker-engine.ts';

export interface WorkerInput {
  readonly engine: WorkerEngine;
}

/** NOTE: the engine is mutable by design (a block pool of hundreds of blocks is not copied per step); only the machine's actions touch it. */
export interface WorkerContext {
  readonly engine: WorkerEngine;
}

/** Process the steps of the current decode segment that are already over (see WorkerEngine.sync). */
export interface EngineSync {
  readonly type: 'ENGINE.SYNC';
}

export type WorkerEvent = RequestRouted | EngineSync;

export const workerMachine = setup({
  types: {
    context: {} as WorkerContext,
    input: {} as WorkerInput,
    events: {} as WorkerEvent,
    emitted: {} as Message,
  },
  actions: {
    accept: ({ context, event }) => {
      if (event.type === 'REQUEST.ROUTED') context.engine.accept(event);
    },
    enterIdle: ({ context }) => context.engine.enter('idle'),
    startPrefill: ({ context }) => {
      context.engine.enter('prefill');
      context.engine.startPrefill();
    },
    joinPrefill: ({ context }) => context.engine.joinPrefill(),
    finishPrefill: ({ context }) => context.engine.finishPrefill(),
    startSegment: ({ context }) => {
      context.engine.enter('decode');
      context.engine.startSegment();
    },
    cutSegment: ({ context }) => context.engine.cutSegment(),
    sync: ({ context }) => context.engine.sync(),
    finishSegment: ({ context }) => context.engine.finishSegment(),
    // Runs last in every transition that can produce messages.
    publish: enqueueActions(({ context, enqueue }) => {
      for (const message of context.engine.takeMessages()) enqueue.emit(message);
    }),
  },
  guards: {
    canStartPrefill: ({ context }) => context.engine.canStartPrefill(),
    hasRunning: ({ context }) => context.engine.hasRunning(),
    admitsAtOnce: ({ context, event }) => event.type === 'REQUEST.ROUTED' && context.engine.wouldAdmitAtOnce(event),
    joinsPrefillStep: ({ context, event }) =>
      event.type === 'REQUEST.ROUTED' && context.engine.prefillJustStarted() && context.engine.wouldAdmitAtOnce(event),
  },
  delays: {
    prefillStep: ({ context }) => context.engine.prefillRemainingMs(),
    segmentEnd: ({ context }) => context.engine.segmentRemainingMs(),
  },
}).createMachine({
  id: 'worker',
  context: ({ input }) => ({ engine: input.engine }),
  initial: 'idle',
  states: {
    idle: {
      entry: ['enterIdle', 'publish'],
      on: {
        'REQUEST.ROUTED': { target: 'choosing', actions: ['accept', 'publish'] },
      },
    },
    // Between steps: prefill goes first when the first waiting request fits.
    choosing: {
      always: [
        { guard: 'canStartPrefill', target: 'prefill' },
        { guard: 'hasRunning', target: 'decode' },
        { target: 'idle' },
      ],
    },
    prefill: {
      entry: ['startPrefill', 'publish'],
      initial: 'computing',
      states: {
        computing: {
          after: {
            prefillStep: { target: '#worker.choosing', actions: ['finishPrefill', 'publish'] },
          },
          on: {
            'REQUEST.ROUTED': [
              // Requests arriving at the very instant the step starts are waiting at its start.
              { guard: 'joinsPrefillStep', target: 'computing', reenter: true, actions: ['accept', 'joinPrefill', 'publish'] },
              { actions: ['accept', 'publish'] },
            ],
          },
        },
      },
    },
    decode: {
      entry: ['startSegment', 'publish'],
      initial: 'stepping',
      states: {
        stepping: {
          after: {
            segmentEnd: { target: '#worker.choosing', actions: ['finishSegment', 'publish'] },
          },
          on: {
            'REQUEST.ROUTED': [
              // Re-entering `stepping` (not `decode`) re-arms its timer at the new segment end.
              { guard: 'admitsAtOnce', target: 'stepping', reenter: true, actions: ['accept', 'cutSegment', 'publish'] },
              { actions: ['accept', 'publish'] },
            ],
            'ENGINE.SYNC': { actions: ['sync', 'publish'] },
          },
        },
      },
    },
  },
});
