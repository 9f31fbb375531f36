// stateful-cache-router/workload: request sources (RAG, multi-turn chat, shared system prompts,
// Mooncake traces, seeded traces) and the drivers that submit them to a cluster.

export type { BuiltRequest, WorkloadRequest } from './request.ts';
export { promptOf } from './request.ts';
export { ragWorkload, extendedSystemPrompt } from './rag.ts';
export type { RagOptions } from './rag.ts';
export { chatSessions } from './chat.ts';
export type { ChatOptions } from './chat.ts';
export { sharedPrefixWorkload } from './shared-prefix.ts';
export type { SharedPrefixOptions } from './shared-prefix.ts';
export { readMooncakeTrace, parseMooncakeTrace } from './mooncake.ts';
export type { MooncakeOptions, MooncakeTrace } from './mooncake.ts';
export { TraceError } from './trace-errors.ts';
export { openLoop, closedLoop, feedDriver, requestEnd, DriverError } from './driver.ts';
export type { SubmitTarget, WorkloadDriver, FinishOutcome } from './driver.ts';

export { makeMooncakeTrace, traceJsonl, MAKE_TRACE_DEFAULTS } from './make-trace.ts';
export type { MakeTraceOptions, TraceLine } from './make-trace.ts';
