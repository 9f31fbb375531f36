import { describe, expect, it } from 'vitest';
import { createDummyTokenSource } from '../../src/model/dummy.ts';
import { memoizeTokens } from '../../src/model/memo-source.ts';
import type { SequenceTokens, TokenSource } from '../../src/model/token-source.ts';

/** The seeded dummy, counting the tokens it computes. */
function countingSource() {
  const inner = createDummyTokenSource({ seed: 3 });
  const counter = { computed: 0 };
  const source: TokenSource = {
    name: 'counting',
    eosTokenId: null,
    next: (batch) => {
      counter.computed += batch.length;
      return inner.next(batch);
    },
  };
  return { source, counter, inner };
}

/** Generates `n` tokens for each sequence, one step at a time, like a worker does. */
async function generate(source: TokenSource, prompts: Record<string, number[]>, n: number): Promise<Record<string, number[]>> {
  const seqs: SequenceTokens[] = Object.entries(prompts).map(([requestId, prompt]) => ({ requestId, tokens: prompt.slice() }));
  for (let step = 0; step < n; step++) {
    const tokens = await source.next(seqs);
    seqs.forEach((s, i) => (s.tokens as number[]).push(tokens[i]!));
  }
  return Object.fromEntries(seqs.map((s) => [s.requestId, s.tokens.slice(prompts[s.requestId]!.length)]));
}

describe('memoizeTokens', () => {
  it('answers a sequence seen before from memory, with the same tokens', async () => {
    const { source, counter, inner } = countingSource();
    const memo = memoizeTokens(source);
    const prompts = { a: [1, 2, 3], b: [4, 5] };
    const first = await generate(memo, prompts, 10);
    expect(counter.computed).toBe(20);
    const second = await generate(memo, prompts, 10);
    expect(second).toEqual(first);
    expect(counter.computed).toBe(20);
    expect(first).toEqual(await generate(inner, prompts, 10));
  });

  it('computes again when the same id comes with another prompt', async () => {
    const { source, counter, inner } = countingSource();
    const memo = memoizeTokens(source);
    await generate(memo, { a: [1, 2, 3] }, 5);
    const other = await generate(memo, { a: [1, 2, 9] }, 5);
    expect(counter.computed).toBe(10);
    expect(other).toEqual(await generate(inner, { a: [1, 2, 9] }, 5));
  });

  it('computes only what is new when a sequence goes past what it remembers', async () => {
    const { source, counter } = countingSource();
    const memo = memoizeTokens(source);
    await generate(memo, { a: [7, 7] }, 4);
    await generate(memo, { a: [7, 7] }, 6);
    expect(counter.computed).toBe(6);
  });

  it('passes a hint on (expect) only for a sequence it cannot answer from memory', async () => {
    const { source } = countingSource();
    const expected: string[] = [];
    const memo = memoizeTokens({ ...source, expect: (s) => expected.push(s.requestId) });
    await generate(memo, { a: [1, 2, 3] }, 4);
    memo.expect!({ requestId: 'a', tokens: [1, 2, 3] }); // the same request again: remembered
    memo.expect!({ requestId: 'a', tokens: [1, 2, 8] }); // another prompt under its id
    memo.expect!({ requestId: 'b', tokens: [4] });
    expect(expected).toEqual(['a', 'b']);
  });

  it('keeps an asynchronous source asynchronous, and remembers its answers', async () => {
    const inner = createDummyTokenSource({ seed: 1 });
    let calls = 0;
    const slow: TokenSource = { name: 'slow', eosTokenId: null, next: (batch) => (calls++, Promise.resolve(inner.next(batch) as readonly number[])) };
    const memo = memoizeTokens(slow);
    const first = await generate(memo, { x: [1] }, 3);
    expect(memo.next([{ requestId: 'y', tokens: [2] }])).toBeInstanceOf(Promise);
    expect(await generate(memo, { x: [1] }, 3)).toEqual(first);
    expect(calls).toBe(4);
  });
});
