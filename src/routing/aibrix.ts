// PLACEHOLDER: replaced by the policy's implementation.
import type { Strategy } from './types.ts';

export function createAibrix(): Strategy {
  throw new Error('aibrix: not implemented yet');
}
