// PLACEHOLDER: replaced by the policy's implementation.
import type { Strategy } from './types.ts';

export function createLmetric(): Strategy {
  throw new Error('lmetric: not implemented yet');
}
