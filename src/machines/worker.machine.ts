// The worker as a statechart: idle → prefill → decode, each step a timed transition whose delay
// comes from the latency model (through WorkerEngine). The machine says when things happen; the
// engine says what happens and publishes its messages to the bus as they happen.
// NOTE: not XState's `emit`: a request makes dozens of messages, and an emit action each cost
// more than the engine's work; the engine gets the bus's publish function instead.

import { fromPromise, setup } from 'xstate';
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

export type WorkerEvent = RequestRouted | WorkerFault;

// The params of the actions and guards that read their event, written once.
const routed = ({ event }: { event: RequestRouted }) => ({ routed: event });
const accept = { type: 'accept', params: routed } as const;
const admitsAtOnce = { type: 'admitsAtOnce', params: routed } as const;
const stall = { type: 'stall', params: ({ event }: { event: Extract<WorkerFault, { type: 'WORKER.STALL' }> }) => ({ factor: event.factor }) } as const;

export const workerMachine = setup({
  types: {
    context: {} as WorkerContext,
    input: {} as WorkerInput,
    events: {} as WorkerEvent,
  },
  // Actions and guards that read the event take it as params, narrowed where the transition names its event type.
  actions: {
    accept: ({ context }, params: { routed: RequestRouted }) => context.engine.accept(params.routed),
    goDown: ({ context }, params: { reason: string }) => context.engine.goDown(params.reason),
    bounce: ({ context }, params: { routed: RequestRouted }) => context.engine.bounce(params.routed),
    restart: ({ context }) => context.engine.restart(),
    stall: ({ context }, params: { factor: number }) => context.engine.stall(params.factor),
    enterIdle: ({ context }) => context.engine.enter('idle'),
    // Entry actions of the timed states run again on re-entry: the engine then keeps its step.
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
    finishSegment: ({ context }) => context.engine.finishSegment(),
    tokensArrived: ({ context }) => context.engine.tokensArrived(),
    tokensFailed: ({ context, event }) => context.engine.tokensFailed('error' in event ? event.error : event),
  },
  actors: {
    // A model computing the segment's tokens; virtual time waits for it (see WorkerEngine.tokensReady).
    computeTokens: fromPromise<void, WorkerEngine>(({ input }) => input.tokensReady()),
  },
  guards: {
    canStartPrefill: ({ context }) => context.engine.canStartPrefill(),
    hasRunning: ({ context }) => context.engine.hasRunning(),
    awaitingTokens: ({ context }) => context.engine.awaitingTokens(),
    admitsAtOnce: ({ context }, params: { routed: RequestRouted }) => context.engine.wouldAdmitAtOnce(params.routed),
    joinsPrefillStep: ({ context }, params: { routed: RequestRouted }) => context.engine.prefillJustStarted() && context.engine.wouldAdmitAtOnce(params.routed),
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
        'REQUEST.ROUTED': [
          { guard: admitsAtOnce, target: 'prefill', actions: accept },
          { actions: accept }, // rejected: it can never run here
        ],
      },
    },
    // Between steps (after the step's actions ran): prefill goes first when the first waiting
    // request fits, then decode while anything runs.
    choosing: {
      always: [
        { guard: 'canStartPrefill', target: 'prefill' },
        { guard: 'hasRunning', target: 'decode' },
        { target: 'idle' },
      ],
    },
    // A timed step. Re-entering on an arrival re-arms the timer: a request arriving at the very
    // instant the step starts joins it (it was waiting at its start); the engine keeps its step.
    prefill: {
      entry: 'startPrefill',
      after: {
        prefillStep: { target: 'choosing', actions: 'finishPrefill' },
      },
      on: {
        'REQUEST.ROUTED': [
          { guard: { type: 'joinsPrefillStep', params: routed }, target: 'prefill', reenter: true, actions: [accept, 'joinPrefill'] },
          { actions: accept },
        ],
      },
    },
    // A decode segment. Re-entering on an admittable arrival re-arms the timer at the boundary
    // where the engine cut the segment; the engine keeps the segment it already planned.
    decode: {
      entry: 'startSegment',
      always: { guard: 'awaitingTokens', target: 'generating' },
      after: {
        segmentEnd: { target: 'choosing', actions: 'finishSegment' },
      },
      on: {
        'REQUEST.ROUTED': [
          { guard: admitsAtOnce, target: 'decode', reenter: true, actions: [accept, 'cutSegment'] },
          { actions: accept },
        ],
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
    // arrival shortens the coming segment to nothing, so its prefill goes first.
    generating: {
      invoke: {
        src: 'computeTokens',
        input: ({ context }) => context.engine,
        onDone: { target: 'decode', actions: 'tokensArrived' },
        onError: { target: 'choosing', actions: 'tokensFailed' },
      },
      on: {
        'REQUEST.ROUTED': [{ guard: admitsAtOnce, actions: [accept, 'cutSegment'] }, { actions: accept }],
      },
    },
  },
});
