// A token source that remembers what it produced. A sequence's tokens depend on that sequence
// alone (the TokenSource contract), so when the same request comes again — the next strategy of a
// comparison runs the identical request stream — its tokens are read back instead of recomputed.
// Results are the same bytes; only the host time spent in the model changes.

import type { RequestId } from '../messages.ts';
import type { SequenceTokens, TokenSource } from './token-source.ts';

interface Remembered {
  /** The context the tokens were produced for: the prompt, then every token produced. */
  readonly tokens: number[];
}

/** Wraps `source` so that a sequence seen before is answered from memory. */
export function memoizeTokens(source: TokenSource): TokenSource {
  const memory = new Map<RequestId, Remembered>();
  // Token arrays already checked against memory, and how far (sequences only grow).
  const checked = new WeakMap<readonly number[], number>();

  /** The remembered next token of `s`, or undefined if it is new or its context differs. */
  const recall = (s: SequenceTokens): number | undefined => {
    const m = memory.get(s.requestId);
    if (m === undefined || s.tokens.length >= m.tokens.length) return undefined;
    const from = checked.get(s.tokens) ?? 0;
    for (let i = from; i < s.tokens.length; i++) if (s.tokens[i] !== m.tokens[i]) return undefined;
    checked.set(s.tokens, s.tokens.length);
    return m.tokens[s.tokens.length];
  };

  const remember = (s: SequenceTokens, token: number): void => {
    let m = memory.get(s.requestId);
    // Extend the memory only where this sequence is exactly what it remembers.
    let same = m !== undefined && s.tokens.length === m.tokens.length;
    for (let i = checked.get(s.tokens) ?? 0; same && i < s.tokens.length; i++) same = s.tokens[i] === m!.tokens[i];
    if (!same || m === undefined) {
      m = { tokens: s.tokens.slice() };
      memory.set(s.requestId, m);
    }
    m.tokens.push(token);
    checked.set(s.tokens, s.tokens.length);
  };

  const next = (batch: readonly SequenceTokens[]): readonly number[] | Promise<readonly number[]> => {
    const out = new Array<number>(batch.length);
    const missing: SequenceTokens[] = [];
    const where: number[] = [];
    for (let i = 0; i < batch.length; i++) {
      const token = recall(batch[i]!);
      if (token === undefined) {
        missing.push(batch[i]!);
        where.push(i);
      } else out[i] = token;
    }
    if (missing.length === 0) return out;
    const fill = (tokens: readonly number[]): readonly number[] => {
      tokens.forEach((token, j) => {
        out[where[j]!] = token;
        remember(missing[j]!, token);
      });
      return out;
    };
    const answer = source.next(missing);
    return answer instanceof Promise ? answer.then(fill) : fill(answer);
  };

  return {
    name: source.name,
    eosTokenId: source.eosTokenId,
    next,
    // A sequence it can answer from memory is no news to the source.
    ...(source.expect === undefined ? {} : { expect: (s: SequenceTokens) => (recall(s) === undefined ? source.expect!(s) : undefined) }),
    ...(source.release === undefined ? {} : { release: source.release.bind(source) }),
    ...(source.encode === undefined ? {} : { encode: source.encode.bind(source) }),
    ...(source.decode === undefined ? {} : { decode: source.decode.bind(source) }),
  };
}
