// The worker as a statechart: idle → prefill → decode, each step a timed transition whose delay
// comes from the latency model (through WorkerEngine). The machine says when things happen; the
// engine says what happens and publishes its messages to the bus as they happen.
// NOTE: not XState's `emit`: a request makes dozens of messages, and an emit action each cost
// more than the engine's work; the engine gets the bus's publish function instead.

import { enqueueActions, fromPromise, raise, setup } from 'xstate';
import type { RequestRouted } from '../messages.ts';
import type { WorkerEngine } from './worker-engine.ts';

export interface WorkerInput {
  readonly engine: WorkerEngine;
}

/** NOTE: the engine is mutable by design (a block pool of hundreds of blocks is not copied per step); only the machine's actions touch it. */
export interface WorkerContext {
  readonly engine: WorkerEngine;
}

/** Faults the cluster injects (see src/actors/faults.ts): not bus messages, orders to this worker. */
export type WorkerFault =
  | { readonly type: 'WORKER.KILL'; readonly reason: string }
  | { readonly type: 'WORKER.RESTART' }
  | { readonly type: 'WORKER.STALL'; readonly factor: number };

/** Raised by the machine itself when the current step's end moved (a request joined the prefill step, or the decode segment was cut): re-arm its timer. */
export interface StepRearm {
  readonly type: 'STEP.REARM';
}

export type WorkerEvent = RequestRouted | WorkerFault | StepRearm;

// The params of the actions that read their event, written once.
const routed = ({ event }: { event: RequestRouted }) => ({ routed: event });
const accept = { type: 'accept', params: routed } as const;
const acceptIntoPrefill = { type: 'acceptIntoPrefill', params: routed } as const;
const acceptDuringDecode = { type: 'acceptDuringDecode', params: routed } as const;
const stall = { type: 'stall', params: ({ event }: { event: Extract<WorkerFault, { type: 'WORKER.STALL' }> }) => ({ factor: event.factor }) } as const;
// NOTE: built once here, not with `enqueue.raise` in the action: a worker's actions often run
// inside another actor's (the router routes, the bus delivers at once), and XState's development
// build warns of any `raise()` called while a custom action runs.
const rearm = raise<WorkerContext, WorkerEvent, WorkerEvent, undefined>({ type: 'STEP.REARM' });

export const workerMachine = setup({
  types: {
    context: {} as WorkerContext,
    input: {} as WorkerInput,
    events: {} as WorkerEvent,
  },
  // Actions that read the event take it as params, narrowed where the transition names its event type.
  // One admission decision per event: the engine decides while it acts (queues, rejects, admits,
  // cuts) and says what changed; the machine follows (eventless transitions that read the
  // engine's state, or STEP.REARM), and no guard asks the engine what an action then asks again.
  actions: {
    accept: ({ context }, params: { routed: RequestRouted }) => void context.engine.accept(params.routed),
    acceptIntoPrefill: enqueueActions(({ context, enqueue }, params: { routed: RequestRouted }) => {
      if (context.engine.acceptIntoPrefill(params.routed)) enqueue(rearm);
    }),
    acceptDuringDecode: enqueueActions(({ context, enqueue }, params: { routed: RequestRouted }) => {
      if (context.engine.acceptDuringDecode(params.routed)) enqueue(rearm);
    }),
    goDown: ({ context }, params: { reason: string }) => context.engine.goDown(params.reason),
    bounce: ({ context }, params: { routed: RequestRouted }) => context.engine.bounce(params.routed),
    restart: ({ context }) => context.engine.restart(),
    stall: ({ context }, params: { factor: number }) => context.engine.stall(params.factor),
    enterIdle: ({ context }) => context.engine.enter('idle'),
    startPrefill: ({ context }) => context.engine.startPrefill(),
    finishPrefill: ({ context }) => context.engine.finishPrefill(),
    // Entry action of decode, which runs again on re-entry: the engine then keeps its segment.
    startSegment: ({ context }) => {
      context.engine.enter('decode');
      context.engine.startSegment();
    },
    finishSegment: ({ context }) => context.engine.finishSegment(),
    tokensArrived: ({ context }) => context.engine.tokensArrived(),
    tokensFailed: ({ context, event }) => context.engine.tokensFailed('error' in event ? event.error : event),
  },
  actors: {
    // A model computing the segment's tokens; virtual time waits for it (see WorkerEngine.tokensReady).
    computeTokens: fromPromise<void, WorkerEngine>(({ input }) => input.tokensReady()),
  },
  guards: {
    inPrefillStep: ({ context }) => context.engine.inPrefillStep(),
    hasRunning: ({ context }) => context.engine.hasRunning(),
    awaitingTokens: ({ context }) => context.engine.awaitingTokens(),
  },
  delays: {
    prefillStep: ({ context }) => context.engine.prefillRemainingMs(),
    segmentEnd: ({ context }) => context.engine.segmentRemainingMs(),
  },
}).createMachine({
  id: 'worker',
  context: ({ input }) => ({ engine: input.engine }),
  initial: 'idle',
  // Faults reach the worker in any state: a kill leaves it (cancelling its timers), a stall only
  // changes the steps to come (decode re-arms its timer at the boundary where the stall begins).
  on: {
    'WORKER.KILL': { target: '.down', actions: { type: 'goDown', params: ({ event }) => ({ reason: event.reason }) } },
    'WORKER.STALL': { actions: stall },
  },
  states: {
    idle: {
      entry: 'enterIdle',
      on: {
        // Queued (or rejected: it can never run here); choosing then admits it if it fits.
        'REQUEST.ROUTED': { target: 'choosing', actions: accept },
      },
    },
    // Between steps (after the step's actions ran): the engine starts a prefill step if a chunked
    // prefill goes on or the first waiting request's blocks can be allocated (the admission
    // itself); else decode while anything runs.
    choosing: {
      entry: 'startPrefill',
      always: [
        { guard: 'inPrefillStep', target: 'prefill' },
        { guard: 'hasRunning', target: 'decode' },
        { target: 'idle' },
      ],
    },
    // A timed step. A request arriving at the very instant the step starts joins it (it was
    // waiting at its start), and STEP.REARM re-arms the timer at the step's new end.
    prefill: {
      after: {
        prefillStep: { target: 'choosing', actions: 'finishPrefill' },
      },
      on: {
        'REQUEST.ROUTED': { actions: acceptIntoPrefill },
        'STEP.REARM': { target: 'prefill', reenter: true },
      },
    },
    // A decode segment. An arrival that could be admitted at once cuts it at the next step
    // boundary, and STEP.REARM re-arms the timer there; the engine keeps the segment it planned.
    decode: {
      entry: 'startSegment',
      always: { guard: 'awaitingTokens', target: 'generating' },
      after: {
        segmentEnd: { target: 'choosing', actions: 'finishSegment' },
      },
      on: {
        'REQUEST.ROUTED': { actions: acceptDuringDecode },
        'STEP.REARM': { target: 'decode', reenter: true },
        'WORKER.STALL': { target: 'decode', reenter: true, actions: stall },
      },
    },
    // Killed: holds nothing; requests routed here before the router heard go back to it.
    down: {
      on: {
        'REQUEST.ROUTED': { actions: { type: 'bounce', params: routed } },
        'WORKER.RESTART': { target: 'idle', actions: 'restart' },
        'WORKER.KILL': {},
        'WORKER.STALL': { actions: stall },
      },
    },
    // A decode segment whose tokens an asynchronous source (a model) is computing. An admittable
    // arrival shortens the coming segment to nothing, so its prefill goes first; no timer runs
    // here (decode arms it on entry), so the STEP.REARM it raises is left unhandled.
    generating: {
      invoke: {
        src: 'computeTokens',
        input: ({ context }) => context.engine,
        onDone: { target: 'decode', actions: 'tokensArrived' },
        onError: { target: 'choosing', actions: 'tokensFailed' },
      },
      on: {
        'REQUEST.ROUTED': { actions: acceptDuringDecode },
      },
    },
  },
});
