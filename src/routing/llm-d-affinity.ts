// PLACEHOLDER: replaced by the policy's implementation.
import type { Strategy } from './types.ts';

export function createLlmDAffinity(): Strategy {
  throw new Error('llm-d-affinity: not implemented yet');
}
