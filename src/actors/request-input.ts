// A request as an app submits it, checked before it enters the cluster.

import type { RequestSpec } from '../messages.ts';
import { SimulatorError } from '../errors.ts';

/** Makes a prompt's token ids on demand (when the request arrives). */
export type LazyPrompt = () => readonly number[];

export interface RequestInput {
  /** Unique id; generated ('r1', 'r2', …) when absent. */
  readonly id?: string;
  /**
   * Prompt token ids (integers in [0, 2^32)); or text, tokenized by the cluster's token source; or
   * a function that makes the token ids when the request arrives, so that a long replay holds no
   * prompt before its time (its ids are checked then: a bad one fails the run, naming the request).
   */
  readonly prompt: readonly number[] | string | LazyPrompt;
  /** Most tokens to generate (≥ 1). */
  readonly maxTokens: number;
  readonly tenant?: string;
  readonly adapter?: string;
  readonly ignoreEos?: boolean;
}

/** A submitted request that cannot be served as given; the message names the field. */
export class InvalidRequestError extends SimulatorError {
  override readonly name = 'InvalidRequestError';
}

/** The most tokens a request may ask for (a bound, so that a typo cannot run for ever). */
export const MAX_OUTPUT_TOKENS = 10_000_000;
/** The latest virtual time a request may be submitted at, ms (~31.7 years): past it, a float ms has no room for the steps' 1/1024 ms. */
export const MAX_SUBMIT_MS = 1e12;

/** What is wrong with a prompt of token ids, or null. */
function promptProblem(prompt: readonly number[]): string | null {
  if (!Array.isArray(prompt) || prompt.length === 0) return 'prompt: expected a non-empty array of token ids';
  const bad = prompt.findIndex((t) => !Number.isInteger(t) || t < 0 || t > 0xffffffff);
  return bad < 0 ? null : `prompt[${bad}]: ${String(prompt[bad])} is not a token id (an integer in [0, 4294967295])`;
}

/** `prompt` if it is token ids, else InvalidRequestError naming request `id` (a lazy prompt is checked when made). */
export function checkPrompt(id: string, prompt: readonly number[]): readonly number[] {
  const problem = promptProblem(prompt);
  if (problem !== null) throw new InvalidRequestError(`request '${id}': ${problem}`);
  return prompt;
}

/** The request as a RequestSpec (a text prompt already tokenized), or InvalidRequestError naming every bad field. */
export function validateRequest(input: RequestInput & { id: string; prompt: readonly number[] }): RequestSpec {
  const problems: string[] = [];
  const problem = promptProblem(input.prompt);
  if (problem !== null) problems.push(problem);
  if (!Number.isInteger(input.maxTokens) || input.maxTokens < 1) {
    problems.push(`maxTokens: ${String(input.maxTokens)} is not a positive integer`);
  } else if (input.maxTokens > MAX_OUTPUT_TOKENS) {
    problems.push(`maxTokens: ${input.maxTokens} is more than ${MAX_OUTPUT_TOKENS.toLocaleString('en-US')} tokens; no model generates that much`);
  }
  if (problems.length > 0) throw new InvalidRequestError(`request '${input.id}': ${problems.join('; ')}`);
  return {
    id: input.id,
    prompt: input.prompt,
    maxTokens: input.maxTokens,
    ...(input.tenant === undefined ? {} : { tenant: input.tenant }),
    ...(input.adapter === undefined ? {} : { adapter: input.adapter }),
    ...(input.ignoreEos === undefined ? {} : { ignoreEos: input.ignoreEos }),
  };
}
