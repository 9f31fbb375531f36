// Bus messages built by hand, for the metrics specifications. Positional arguments follow the
// order a reader says them in: which request, when, on which worker, then the numbers.

import type { BlockHash } from '../../src/cache/hash.ts';
import type { Message, MessageOf, RejectionCode, RequestId, WorkerId } from '../../src/messages.ts';
import { MetricsRecorder, type MetricsRecorderOptions } from '../../src/metrics/recorder.ts';

export const BS = 16;

/** n stand-in block hashes; the recorder only counts them. */
export const hashes = (n: number, name = 'h'): BlockHash[] => Array.from({ length: n }, (_, i) => `${name}${i}` as BlockHash);

export const submitted = (id: RequestId, at: number, promptTokens = 72, maxTokens = 3): MessageOf<'REQUEST.SUBMITTED'> => ({
  type: 'REQUEST.SUBMITTED',
  at,
  request: { id, prompt: Array.from({ length: promptTokens }, (_, i) => i), maxTokens },
});

export const routed = (id: RequestId, at: number, workerId: WorkerId, predictedBlocks = 0, rule = 'longest-prefix'): MessageOf<'REQUEST.ROUTED'> => ({
  type: 'REQUEST.ROUTED',
  at,
  request: { id, prompt: [], maxTokens: 3 },
  hashes: [],
  decision: { workerId, rule, reason: `${rule}: matched ${predictedBlocks}`, predictedBlocks },
});

/** An admission; prompt tokens default to every block full. */
export const admitted = (
  id: RequestId,
  at: number,
  workerId: WorkerId,
  cachedBlocks: number,
  computedBlocks: number,
  promptTokens = (cachedBlocks + computedBlocks) * BS,
): MessageOf<'REQUEST.ADMITTED'> => ({ type: 'REQUEST.ADMITTED', at, requestId: id, workerId, cachedBlocks, computedBlocks, promptTokens });

export const prefilled = (id: RequestId, at: number, workerId: WorkerId): MessageOf<'REQUEST.PREFILLED'> => ({
  type: 'REQUEST.PREFILLED',
  at,
  requestId: id,
  workerId,
});

/** `count` tokens of consecutive 15 ms decode steps, the first at `at`. */
export const tokens = (id: RequestId, at: number, workerId: WorkerId, count: number, offset = 0, stepMs = 15): MessageOf<'REQUEST.TOKENS'> => ({
  type: 'REQUEST.TOKENS',
  at,
  requestId: id,
  workerId,
  tokens: Array.from({ length: count }, (_, i) => 1000 + offset + i),
  stepMs,
  offset,
});

export const preempted = (id: RequestId, at: number, workerId: WorkerId): MessageOf<'REQUEST.PREEMPTED'> => ({
  type: 'REQUEST.PREEMPTED',
  at,
  requestId: id,
  workerId,
});

export const completed = (id: RequestId, at: number, workerId: WorkerId, outputTokens = 3, finish: 'length' | 'eos' = 'length'): MessageOf<'REQUEST.COMPLETED'> => ({
  type: 'REQUEST.COMPLETED',
  at,
  requestId: id,
  workerId,
  outputTokens,
  tokens: Array.from({ length: outputTokens }, (_, k) => k),
  finish,
});

export const rejected = (id: RequestId, at: number, code: RejectionCode = 'too-large', workerId: WorkerId | null = null): MessageOf<'REQUEST.REJECTED'> => ({
  type: 'REQUEST.REJECTED',
  at,
  requestId: id,
  workerId,
  code,
  reason: `${code}: prompt needs 1000 blocks; a worker has 924`,
});

export const failed = (id: RequestId, at: number, workerId: WorkerId | null = null, reason = 'worker down'): MessageOf<'REQUEST.FAILED'> => ({
  type: 'REQUEST.FAILED',
  at,
  requestId: id,
  workerId,
  reason,
});

export const kvStored = (workerId: WorkerId, at: number, n: number): MessageOf<'KV.STORED'> => ({
  type: 'KV.STORED',
  at,
  workerId,
  parent: null,
  hashes: hashes(n, 's'),
});

export const kvRemoved = (workerId: WorkerId, at: number, n: number): MessageOf<'KV.REMOVED'> => ({
  type: 'KV.REMOVED',
  at,
  workerId,
  hashes: hashes(n, 'r'),
});

export const kvCleared = (workerId: WorkerId, at: number): MessageOf<'KV.CLEARED'> => ({ type: 'KV.CLEARED', at, workerId });

export const workerUp = (workerId: WorkerId, at = 0): MessageOf<'WORKER.UP'> => ({ type: 'WORKER.UP', at, workerId, capacity: 924 });

export interface Served {
  readonly worker?: WorkerId;
  readonly at?: number;
  readonly cached?: number;
  readonly computed?: number;
  readonly predicted?: number;
  /** Queueing delay between routing and admission. */
  readonly queueMs?: number;
  readonly outputTokens?: number;
}

/**
 * A whole request alone on an idle worker, timed by the latency model: submitted and routed at
 * `at`, admitted after `queueMs`, prefill 5 + 2.5 × computed, then one 15 ms step per token.
 */
export function served(id: RequestId, options: Served = {}): Message[] {
  const { worker = 0, at = 0, cached = 0, computed = 1, queueMs = 0, outputTokens = 3 } = options;
  const admit = at + queueMs;
  const prefillEnd = admit + 5 + 2.5 * computed;
  const first = prefillEnd + 15;
  const last = first + 15 * (outputTokens - 1);
  return [
    submitted(id, at, (cached + computed) * BS, outputTokens),
    routed(id, at, worker, options.predicted ?? cached),
    admitted(id, admit, worker, cached, computed),
    prefilled(id, prefillEnd, worker),
    tokens(id, first, worker, outputTokens),
    completed(id, last, worker, outputTokens),
  ];
}

/** A recorder that has observed `messages`, in order. */
export function recorderOf(messages: readonly Message[], options: MetricsRecorderOptions = {}): MetricsRecorder {
  const recorder = new MetricsRecorder({ blockSize: BS, ...options });
  for (const m of messages) recorder.observe(m);
  return recorder;
}
