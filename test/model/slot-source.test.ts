// The tiny GPT-2's default source: decode steps on a cache kept in place (decode.onnx), computing
// ahead the sequences whose last length it knows, prefills from a stored prefix. Its tokens must be
// those of the transformers.js path (transformers-source.test.ts), whatever the order of calls.

import { afterAll, describe, expect, it } from 'vitest';
import { createTinySource, type TinySourceOptions } from '../../src/model/tiny-source.ts';
import type { ModelTokenSource } from '../../src/model/transformers-source.ts';
import { expectRefusals, makeSequence, makeTokens, removeTempDirs, testCacheDir } from './fixtures.ts';

const EOS = 50256;
const sources: ModelTokenSource[] = [];

afterAll(async () => {
  await Promise.all(sources.map((s) => s.dispose()));
  removeTempDirs();
});

/** The in-place source (the default) on this file's model folder. */
async function makeSource(options: TinySourceOptions = {}): Promise<ModelTokenSource> {
  const source = await createTinySource({ cacheDir: testCacheDir(), ...options });
  sources.push(source);
  return source;
}

interface Running {
  readonly requestId: string;
  readonly tokens: number[];
  readonly lastLength?: number;
}

/** Asks `source` for one token of each sequence (one call) and appends it. */
async function stepOnce(source: ModelTokenSource, batch: readonly Running[]): Promise<void> {
  const next = await source.next(batch);
  next.forEach((t, i) => batch[i]!.tokens.push(t));
}

/** Each prompt's first `steps` tokens on the transformers.js path, each sequence alone: the reference. */
async function reference(prompts: readonly number[][], steps: number, options: TinySourceOptions = {}): Promise<number[][]> {
  const source = await makeSource({ ...options, decodeInPlace: false });
  const out: number[][] = [];
  for (const [i, prompt] of prompts.entries()) {
    const seq = { requestId: `ref-${i}`, tokens: [...prompt] };
    for (let s = 0; s < steps; s++) await stepOnce(source, [seq]);
    out.push(seq.tokens.slice(prompt.length));
  }
  return out;
}

describe('in-place token source (tiny GPT-2)', () => {
  it('gives the tokens of the transformers.js path while sequences join and leave the batch', async () => {
    const prompts = [makeTokens(9, 10), makeTokens(30, 11), makeTokens(4, 12), makeTokens(50, 13), makeTokens(17, 14)];
    const expected = await reference(prompts, 9);
    const source = await makeSource();
    const live = new Map<number, Running>();
    const generated = prompts.map(() => [] as number[]);
    // Sequence i runs over calls [start, start + 9); a call sends every live sequence, the newest first.
    const starts = [0, 0, 3, 5, 6];
    for (let call = 0; call <= 15; call++) {
      prompts.forEach((p, i) => {
        // Odd ones say where they end: they are computed ahead and answered from that.
        if (call === starts[i]) live.set(i, { requestId: `j-${i}`, tokens: [...p], ...(i % 2 === 1 ? { lastLength: p.length + 9 } : {}) });
        if (call === starts[i]! + 9) {
          generated[i] = live.get(i)!.tokens.slice(p.length);
          live.delete(i);
          source.release(`j-${i}`);
        }
      });
      const order = [...live.keys()].sort((a, b) => b - a);
      if (order.length > 0) await stepOnce(source, order.map((i) => live.get(i)!));
    }
    expect(generated).toEqual(expected);
    expect(source.cachedSequences, 'released sequences are forgotten').toBe(0);
  });

  it('grows every row past its capacity (256 positions at a time) and shrinks it when the long row leaves, with the same tokens', async () => {
    const prompts = [makeTokens(250, 20), makeTokens(600, 21), makeTokens(5, 22)];
    const expected = await reference(prompts, 16);
    const source = await makeSource();
    const [short, long, tiny] = prompts.map((p, i) => ({ requestId: `g-${i}`, tokens: [...p] }));
    for (let s = 0; s < 4; s++) await stepOnce(source, [short!]); // 250 → 253 positions of 256
    for (let s = 0; s < 8; s++) await stepOnce(source, [short!, long!]); // 600 joins: 768; short passes 256
    for (let s = 0; s < 4; s++) await stepOnce(source, [long!]);
    source.release('g-1'); // the long row leaves: 512 positions are enough again
    for (let s = 0; s < 12; s++) await stepOnce(source, s < 4 ? [tiny!, short!] : [tiny!]);
    expect(short!.tokens.slice(250)).toEqual(expected[0]);
    expect(long!.tokens.slice(600)).toEqual(expected[1]!.slice(0, 12));
    expect(tiny!.tokens.slice(5)).toEqual(expected[2]!.slice(0, 12));
  });

  it('computes ahead, in the forwards it runs anyway, the sequences whose last length it knows, never past it', async () => {
    const prompts = [makeTokens(12, 30), makeTokens(40, 31), makeTokens(7, 32)];
    const expected = await reference(prompts, 8);
    const source = await makeSource();
    const a: Running = { requestId: 'a', tokens: [...prompts[0]!] }; // last length unknown
    const b: Running = { requestId: 'b', tokens: [...prompts[1]!], lastLength: prompts[1]!.length + 8 };
    const c: Running = { requestId: 'c', tokens: [...prompts[2]!], lastLength: prompts[2]!.length + 5 };
    await stepOnce(source, [a, b, c]); // three prefills: each sequence has its first token
    for (let s = 1; s < 8; s++) await stepOnce(source, [a]);
    const forwards = source.stats().forwards;
    for (let s = 1; s < 8; s++) await stepOnce(source, [b]);
    for (let s = 1; s < 5; s++) await stepOnce(source, [c]);
    expect(source.stats().forwards, 'b and c were answered from tokens computed ahead').toBe(forwards);
    expect(source.stats()).toMatchObject({ aheadTokens: 7 + 4, decodeTokens: 7 + 7 + 4 });
    expect([a, b, c].map((q, i) => q.tokens.slice(prompts[i]!.length))).toEqual([expected[0], expected[1], expected[2]!.slice(0, 5)]);
  });

  it('stops computing a sequence ahead at its end-of-text, and still answers past it when asked', async () => {
    const options = { eosLogitBias: 8 };
    const prompts = ['The quick brown fox', 'Once upon a time', 'Hello world', 'In 1990, the city of'];
    const source = await makeSource(options);
    const encoded = prompts.map((t) => source.encode(t));
    const expected = await reference(encoded, 32, options);
    const ending = expected.findIndex((g) => g.indexOf(EOS) > 0 && g.indexOf(EOS) < 30);
    expect(ending, 'some prompt reaches end-of-text mid-sequence').toBeGreaterThanOrEqual(0);
    const eosAt = expected[ending]!.indexOf(EOS);
    const driver: Running = { requestId: 'driver', tokens: makeTokens(5, 33) };
    const ends: Running = { requestId: 'ends', tokens: [...encoded[ending]!], lastLength: encoded[ending]!.length + 32 };
    await stepOnce(source, [driver, ends]);
    for (let s = 1; s < 32; s++) await stepOnce(source, [driver]);
    const ahead = source.stats().decodeTokens - 31;
    expect(ahead, 'computed ahead up to its end-of-text, not past it').toBe(eosAt);
    for (let s = 1; s < 32; s++) await stepOnce(source, [ends]); // a caller may ignore end-of-text
    expect(ends.tokens.slice(encoded[ending]!.length)).toEqual(expected[ending]);
  });

  it('frees a row released mid-call after the call, which still answers it; the other rows stay exact', async () => {
    const prompts = [makeTokens(8, 40), makeTokens(21, 41), makeTokens(13, 42)];
    const expected = await reference(prompts, 6);
    const source = await makeSource();
    const [x, y, z] = prompts.map((p, i) => ({ requestId: `r-${i}`, tokens: [...p] }));
    await stepOnce(source, [x!, y!, z!]);
    await stepOnce(source, [x!, y!, z!]);
    const pending = source.next([x!, y!, z!]); // a decode step over the three rows
    await new Promise((resolve) => setImmediate(resolve)); // the step has started
    source.release('r-0'); // its row is read by the step: freed when the call ends
    const answer = await pending;
    answer.forEach((t, i) => [x!, y!, z!][i]!.tokens.push(t));
    expect(source.cachedSequences).toBe(2);
    expect(source.stats().prefills, 'the call answered it from its step').toBe(3);
    for (let s = 3; s < 6; s++) await stepOnce(source, [z!, y!]); // the rows moved; z first now
    const again = { requestId: 'r-0', tokens: [...prompts[0]!] }; // re-sent from its prompt after the release
    for (let s = 0; s < 6; s++) await stepOnce(source, [again]);
    expect([again, y!, z!].map((q, i) => q.tokens.slice(prompts[i]!.length))).toEqual(expected);
    expect(x!.tokens.slice(prompts[0]!.length)).toEqual(expected[0]!.slice(0, 3));
  });

  it('prefills an expected sequence with the next call that runs the model, and computes it ahead', async () => {
    const prompts = [makeTokens(10, 50), makeTokens(25, 51)];
    const expected = await reference(prompts, 6);
    const source = await makeSource();
    const a: Running = { requestId: 'a', tokens: [...prompts[0]!] };
    const queued: Running = { requestId: 'queued', tokens: [...prompts[1]!], lastLength: prompts[1]!.length + 6 };
    source.expect!(queued);
    expect(source.stats().prefills, 'a hint runs nothing by itself').toBe(0);
    for (let s = 0; s < 6; s++) await stepOnce(source, [a]);
    const forwards = source.stats().forwards;
    for (let s = 0; s < 6; s++) await stepOnce(source, [queued]);
    expect(source.stats().forwards, 'its prefill and steps ran with a').toBe(forwards);
    expect([a, queued].map((q, i) => q.tokens.slice(prompts[i]!.length))).toEqual(expected);
    source.expect!({ requestId: 'gone', tokens: makeTokens(9, 52), lastLength: 20 });
    source.release('gone');
    await stepOnce(source, [a]);
    expect(source.stats().prefills, 'a released hint is dropped').toBe(2);
  });

  it('prefills a prompt from the K/V of a prompt prefilled lately that it begins with', async () => {
    const shared = makeTokens(100, 60);
    const prompts = [[...shared, ...makeTokens(20, 61)], [...shared, ...makeTokens(30, 62)], [...shared.slice(0, 50), ...makeTokens(9, 63)]];
    const expected = await reference(prompts, 5);
    const source = await makeSource();
    const seqs = prompts.map((p, i) => ({ requestId: `p-${i}`, tokens: [...p] }));
    for (const seq of seqs) for (let s = 0; s < 5; s++) await stepOnce(source, [seq]);
    expect(seqs.map((q, i) => q.tokens.slice(prompts[i]!.length))).toEqual(expected);
    expect(source.stats()).toMatchObject({ reusedTokens: 100 + 50, prefillTokens: 120 + 30 + 9 });
  });

  it("feeds a caller's own token, or cuts its row back, instead of recomputing; recomputes what differs earlier", async () => {
    const source = await makeSource();
    const fresh = await makeSource({ decodeInPlace: false });
    const seq: Running = { requestId: 'p', tokens: makeTokens(12, 70), lastLength: 30 };
    for (let s = 0; s < 4; s++) await stepOnce(source, [seq]);
    const answer = async (tokens: number[], id: string) => (await fresh.next([makeSequence(id, tokens)]))[0];
    const changed = seq.tokens.map((t, i) => (i === 3 ? 999 : t));
    const cases: [string, number[], number][] = [
      ['a token of its own instead of the one computed', [...seq.tokens.slice(0, -1), 999], 0],
      ['cut short, into its prompt', seq.tokens.slice(0, 7), 0],
      ['changed in the middle', changed, 1],
      ['two tokens past what it computed', [...changed, 5, 6], 2],
      ['another sequence under the same id', makeTokens(14, 71), 3],
    ];
    for (const [i, [what, tokens, recomputes]] of cases.entries()) {
      const [token] = await source.next([{ requestId: 'p', tokens, lastLength: 30 }]);
      expect(token, what).toBe(await answer(tokens, `fresh-${i}`));
      expect(source.stats().recomputes, what).toBe(recomputes);
    }
  });

  it('refuses batches it cannot answer, naming the sequence, and keeps its rows', async () => {
    await expectRefusals(await makeSource());
  });
});
