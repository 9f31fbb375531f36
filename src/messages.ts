// The one discriminated union of everything that happens in a cluster (DESIGN §3.6). The router,
// the workers, metrics, tests and embedding apps all read the same stream; every message carries
// the virtual time `at` (ms) at which it happened.

import type { BlockHash } from './cache/hash.ts';

export type RequestId = string;
export type WorkerId = number;

/** A request as a user submits it: a prompt of token ids and how many tokens to generate. */
export interface RequestSpec {
  readonly id: RequestId;
  readonly prompt: readonly number[];
  /** The most tokens to generate; a sequence ends earlier only at end-of-text. */
  readonly maxTokens: number;
  /** Requests of different tenants never share cached blocks. */
  readonly tenant?: string | undefined;
  /** LoRA adapter name; mixed into every block hash. */
  readonly adapter?: string | undefined;
  /** Keep generating past end-of-text (trace replay does). */
  readonly ignoreEos?: boolean | undefined;
}

/** Why the router sent a request where it did, with the numbers it used. */
export interface RoutingDecision {
  readonly workerId: WorkerId;
  /** The rule that decided, e.g. 'longest-prefix', 'load-guard', 'least-loaded', 'round-robin'. */
  readonly rule: string;
  /** The rule with its numbers filled in, for logs and plots. */
  readonly reason: string;
  /** Blocks the router expected the chosen worker to have cached. */
  readonly predictedBlocks: number;
}

interface Stamped {
  /** Virtual time in ms at which this happened. */
  readonly at: number;
}

export interface RequestSubmitted extends Stamped {
  readonly type: 'REQUEST.SUBMITTED';
  readonly request: RequestSpec;
}

/** The router chose a worker; the worker takes the request from this message. */
export interface RequestRouted extends Stamped {
  readonly type: 'REQUEST.ROUTED';
  readonly request: RequestSpec;
  /** The prompt's full-block hashes, as the router computed them (the same function as workers). */
  readonly hashes: readonly BlockHash[];
  readonly decision: RoutingDecision;
}

export interface RequestAdmitted extends Stamped {
  readonly type: 'REQUEST.ADMITTED';
  readonly requestId: RequestId;
  readonly workerId: WorkerId;
  /** Leading blocks found in the worker's cache at admission. */
  readonly cachedBlocks: number;
  /** Blocks the prefill computes (from the first miss on, the partial tail included). */
  readonly computedBlocks: number;
  /** Tokens prefilled: the prompt, plus tokens generated before a preemption. */
  readonly promptTokens: number;
}

export interface RequestPrefilled extends Stamped {
  readonly type: 'REQUEST.PREFILLED';
  readonly requestId: RequestId;
  readonly workerId: WorkerId;
}

/** Tokens of consecutive decode steps: token i was produced at `times[i]`, or at `at + i × stepMs` when the steps were equal (see tokenAt). */
export interface RequestTokens extends Stamped {
  readonly type: 'REQUEST.TOKENS';
  readonly requestId: RequestId;
  readonly workerId: WorkerId;
  readonly tokens: readonly number[];
  /** Length of the first token's step; of every step when `times` is absent. */
  readonly stepMs: number;
  /** Each token's time, when the steps differed in length (a roofline model); times[0] = at. */
  readonly times?: readonly number[];
  /** Output tokens generated before the first of these. */
  readonly offset: number;
}

export interface RequestPreempted extends Stamped {
  readonly type: 'REQUEST.PREEMPTED';
  readonly requestId: RequestId;
  readonly workerId: WorkerId;
}

export interface RequestCompleted extends Stamped {
  readonly type: 'REQUEST.COMPLETED';
  readonly requestId: RequestId;
  readonly workerId: WorkerId;
  readonly outputTokens: number;
  /** The generated token ids. */
  readonly tokens: readonly number[];
  /** The generated text, when the token source has a tokenizer. */
  readonly text?: string;
  readonly finish: 'length' | 'eos';
}

export type RejectionCode = 'too-large' | 'context-limit' | 'no-worker' | 'invalid' | 'strategy-error';

export interface RequestRejected extends Stamped {
  readonly type: 'REQUEST.REJECTED';
  readonly requestId: RequestId;
  readonly workerId: WorkerId | null;
  readonly code: RejectionCode;
  readonly reason: string;
}

/** A worker lost the request (it went down): the router routes it again, from its prompt. */
export interface RequestRetry extends Stamped {
  readonly type: 'REQUEST.RETRY';
  readonly requestId: RequestId;
  /** The worker that lost it. */
  readonly workerId: WorkerId;
  readonly request: RequestSpec;
  readonly reason: string;
}

export interface RequestFailed extends Stamped {
  readonly type: 'REQUEST.FAILED';
  readonly requestId: RequestId;
  readonly workerId: WorkerId | null;
  readonly reason: string;
}

export interface KvStoredMessage extends Stamped {
  readonly type: 'KV.STORED';
  readonly workerId: WorkerId;
  readonly parent: BlockHash | null;
  readonly hashes: readonly BlockHash[];
}

export interface KvRemovedMessage extends Stamped {
  readonly type: 'KV.REMOVED';
  readonly workerId: WorkerId;
  readonly hashes: readonly BlockHash[];
}

export interface KvClearedMessage extends Stamped {
  readonly type: 'KV.CLEARED';
  readonly workerId: WorkerId;
}

export type EngineState = 'idle' | 'prefill' | 'decode';

export interface WorkerStateChanged extends Stamped {
  readonly type: 'WORKER.STATE';
  readonly workerId: WorkerId;
  readonly state: EngineState;
  /** Running sequences and waiting requests as the state is entered. */
  readonly running: number;
  readonly waiting: number;
}

export interface WorkerUp extends Stamped {
  readonly type: 'WORKER.UP';
  readonly workerId: WorkerId;
  /** Blocks of KV cache ('unbounded' for oracle runs). */
  readonly capacity: number | 'unbounded';
}

export interface WorkerDown extends Stamped {
  readonly type: 'WORKER.DOWN';
  readonly workerId: WorkerId;
  readonly reason: string;
}

export type RequestMessage =
  | RequestSubmitted
  | RequestRouted
  | RequestAdmitted
  | RequestPrefilled
  | RequestTokens
  | RequestPreempted
  | RequestCompleted
  | RequestRejected
  | RequestRetry
  | RequestFailed;

export type KvMessage = KvStoredMessage | KvRemovedMessage | KvClearedMessage;

export type WorkerMessage = WorkerStateChanged | WorkerUp | WorkerDown;

/** Every message on the bus. */
export type Message = RequestMessage | KvMessage | WorkerMessage;

export type MessageType = Message['type'];

/** Every message type, at run time (for validation); the compiler checks it is complete. */
export const MESSAGE_TYPES = [
  'REQUEST.SUBMITTED',
  'REQUEST.ROUTED',
  'REQUEST.ADMITTED',
  'REQUEST.PREFILLED',
  'REQUEST.TOKENS',
  'REQUEST.PREEMPTED',
  'REQUEST.COMPLETED',
  'REQUEST.REJECTED',
  'REQUEST.RETRY',
  'REQUEST.FAILED',
  'KV.STORED',
  'KV.REMOVED',
  'KV.CLEARED',
  'WORKER.STATE',
  'WORKER.UP',
  'WORKER.DOWN',
] as const satisfies readonly MessageType[];

// Fails to compile when a message type is missing from MESSAGE_TYPES.
const allTypesListed: Exclude<MessageType, (typeof MESSAGE_TYPES)[number]> extends never ? true : never = true;
void allTypesListed;

/** The member of the union with this type. */
export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

/** When token i of a REQUEST.TOKENS message was produced. */
export function tokenAt(message: RequestTokens, i: number): number {
  return message.times === undefined ? message.at + i * message.stepMs : (message.times[i] as number);
}
