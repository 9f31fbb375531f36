// The K/V of prompts prefilled lately, so that a new prompt that starts like one of them is
// prefilled from there (RAG prompts share the system prompt and often the first documents:
// rag.ts, 47 % of prompt tokens). Least recently used first out; lookups compare tokens, which
// costs far less than the forward they save (≈ 32 × 700 comparisons per prompt).

import { sharedPrefix } from './batch-plan.ts';
import { leadingPositions, type KvBatch, type KvRow } from './kv-batch.ts';

interface Stored {
  readonly tokens: readonly number[];
  readonly kv: KvRow;
}

export class PrefixStore {
  /** Least recently used first. */
  private readonly stored: Stored[] = [];

  /**
   * @param capacity prompts kept (each ≈ 1 KiB per token for the tiny GPT-2)
   * @param minimum shorter shared prefixes are not worth a forward of their own
   */
  constructor(
    private readonly capacity = 32,
    private readonly minimum = 32,
  ) {}

  /**
   * The K/V of the longest stored prefix of `tokens`, as a one-row batch, or null when it is
   * shorter than `minimum`. At most `tokens.length − 1` positions: the last token is fed to get
   * its next token.
   */
  longestPrefix(tokens: readonly number[]): KvBatch | null {
    let best: Stored | undefined;
    let bestLength = 0;
    for (const s of this.stored) {
      const n = sharedPrefix(s.tokens, tokens, Math.min(s.tokens.length, tokens.length - 1));
      if (n > bestLength) [best, bestLength] = [s, n];
    }
    if (best === undefined || bestLength < this.minimum) return null;
    this.stored.splice(this.stored.indexOf(best), 1);
    this.stored.push(best);
    return leadingPositions(best.kv, bestLength);
  }

  /** Keeps `kv` (the K/V of exactly `tokens`) for later prompts. */
  remember(tokens: readonly number[], kv: KvRow): void {
    this.stored.push({ tokens: tokens.slice(), kv });
    if (this.stored.length > this.capacity) this.stored.shift();
  }
}
