// PLACEHOLDER: replaced by the policy's implementation.
import type { Strategy } from './types.ts';

export function createSglang(): Strategy {
  throw new Error('sglang: not implemented yet');
}

export function createSglangLegacy(): Strategy {
  throw new Error('sglang-legacy: not implemented yet');
}
