// PLACEHOLDER: replaced by the policy's implementation.
import type { Strategy } from './types.ts';

export function createDynamo(): Strategy {
  throw new Error('dynamo: not implemented yet');
}
