// What every workload produces: plain request data with an arrival time. Workloads never touch a
// cluster; a driver (driver.ts) submits these to one.

/** One request of a workload, with its arrival time in virtual ms. */
export interface WorkloadRequest {
  /** Unique within the workload (each workload prefixes its own ids: 'rag-', 'sp-', 'chat-', 'mc-'). */
  readonly id: string;
  /** Arrival time in virtual ms, relative to the start of the workload. */
  readonly at: number;
  /** Prompt token ids. */
  readonly prompt: number[];
  /** Most tokens to generate (≥ 1). */
  readonly maxTokens: number;
  /** The prompt as text, for workloads built from text (absent for trace replay). */
  readonly text?: string;
  /** Requests of different tenants never share cached blocks. */
  readonly tenant?: string;
  /** Keep generating past end-of-text, so the output has exactly `maxTokens` tokens. */
  readonly ignoreEos?: boolean;
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

/** A WorkloadRequest with the optional fields set only when given. */
export function makeRequest(
  fields: Omit<WorkloadRequest, 'text' | 'tenant' | 'ignoreEos'> & {
    readonly text?: string | undefined;
    readonly tenant?: string | undefined;
    readonly ignoreEos?: boolean | undefined;
  },
): WorkloadRequest {
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
