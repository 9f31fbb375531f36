// What every workload produces: plain request data with an arrival time. Workloads never touch a
// cluster; a driver (driver.ts) submits these to one.

/** One request of a workload, with its arrival time in virtual ms. */
export interface WorkloadRequest {
  /** Unique within the workload (each workload prefixes its own ids: 'rag-', 'sp-', 'chat-', 'mc-'). */
  readonly id: string;
  /** Arrival time in virtual ms, relative to the start of the workload. */
  readonly at: number;
  /**
   * Prompt token ids, or a function that makes them: a trace replay keeps only each line's hash
   * ids, and the prompt is made when the request arrives (`promptOf` makes it at once).
   */
  readonly prompt: number[] | (() => number[]);
  /** Most tokens to generate (≥ 1). */
  readonly maxTokens: number;
  /** The prompt as text, for workloads built from text (absent for trace replay). */
  readonly text?: string;
  /** Requests of different tenants never share cached blocks. */
  readonly tenant?: string;
  /** Keep generating past end-of-text, so the output has exactly `maxTokens` tokens. */
  readonly ignoreEos?: boolean;
}

/** A request's prompt token ids, made now if it is made on demand. */
export function promptOf(request: Pick<WorkloadRequest, 'prompt'>): number[] {
  return typeof request.prompt === 'function' ? request.prompt() : request.prompt;
}

/** The tokenizer a text workload is given: GPT-2's at run time, a simple stand-in in tests. */
export type Encode = (text: string) => number[];

/** The fields every text workload shares: who the requests belong to and whether EOS stops them. */
export interface CommonOptions {
  /** Tenant of every request (none by default). */
  readonly tenant?: string;
  /** Keep generating past end-of-text (default true: the output lengths asked for are the lengths produced). */
  readonly ignoreEos?: boolean;
  /** Prefix of the request ids (each workload has its own default). */
  readonly idPrefix?: string;
}

/** A request whose prompt is made up front, as the text workloads make theirs. */
export interface BuiltRequest extends WorkloadRequest {
  readonly prompt: number[];
}

/** A WorkloadRequest with the optional fields set only when given. */
export function makeRequest(
  fields: Omit<BuiltRequest, 'text' | 'tenant' | 'ignoreEos'> & {
    readonly text?: string | undefined;
    readonly tenant?: string | undefined;
    readonly ignoreEos?: boolean | undefined;
  },
): BuiltRequest {
  const { id, at, prompt, maxTokens, text, tenant, ignoreEos } = fields;
  return {
    id,
    at,
    prompt,
    maxTokens,
    ...(text === undefined ? {} : { text }),
    ...(tenant === undefined ? {} : { tenant }),
    ...(ignoreEos === undefined ? {} : { ignoreEos }),
  };
}
