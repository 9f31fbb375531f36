// PLACEHOLDER: replaced by the policy's implementation.
import type { Strategy } from './types.ts';

export function createLlmD(): Strategy {
  throw new Error('llm-d: not implemented yet');
}
