// PLACEHOLDER: replaced by the policy's implementation.
import type { Strategy } from './types.ts';

export function createSmg(): Strategy {
  throw new Error('smg: not implemented yet');
}
