// Shared by the model tests: the tiny GPT-2 built into a temporary cache (once per test file),
// and small factories.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TokenBatchError } from '../../src/model/errors.ts';
import type { SequenceTokens } from '../../src/model/token-source.ts';
import type { ModelTokenSource } from '../../src/model/transformers-source.ts';
import { ensureTinyModel, type TinyModel } from '../../src/model/tiny-gpt2/cache.ts';
import type { TinyGpt2Params } from '../../src/model/tiny-gpt2/params.ts';

const tempDirs: string[] = [];

/** A fresh temporary folder, removed by `removeTempDirs`. */
export function makeTempDir(prefix = 'tiny-gpt2-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes every folder `makeTempDir` made in this test file (call it in `afterAll`). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  cacheDir = undefined;
}

let cacheDir: string | undefined;

/** The folder holding the models this test file builds. */
export const testCacheDir = (): string => (cacheDir ??= makeTempDir());

/** The tiny GPT-2 with these parameters, built once per test file. */
export const tinyModel = (params: Partial<TinyGpt2Params> = {}): Promise<TinyModel> =>
  ensureTinyModel({ ...params, cacheDir: testCacheDir() });

/** A sequence of `length` varied token ids (never end-of-text), different per `salt`. */
export const makeTokens = (length: number, salt = 0): number[] =>
  Array.from({ length }, (_, i) => (i * 7919 + salt * 104729 + 17) % 50256);

export const makeSequence = (requestId: string, tokens: readonly number[]): SequenceTokens => ({ requestId, tokens: [...tokens] });

/** Largest |a[i] − b[i]|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Checks that `source` refuses the batches no model can answer, naming the sequence, and keeps sequence 'a' (5 tokens, asked first here) cached. */
export async function expectRefusals(source: ModelTokenSource): Promise<void> {
  await source.next([makeSequence('a', makeTokens(5))]);
  const cases: [SequenceTokens[], string][] = [
    [[makeSequence('a', makeTokens(6)), makeSequence('a', makeTokens(6))], "sequence 'a' appears twice in one batch; send each running sequence once"],
    [[makeSequence('e', [])], "sequence 'e' has no tokens; a prompt needs at least one"],
    [[makeSequence('l', makeTokens(8193))], "sequence 'l' has 8193 tokens; model 'tiny-gpt2' takes at most 8192"],
  ];
  for (const [batch, message] of cases) await expect(source.next(batch)).rejects.toThrow(new TokenBatchError(message));
  await source.next([makeSequence('a', [...makeTokens(5), 7])]);
  expect(source.stats()).toMatchObject({ prefills: 1, recomputes: 0, decodeTokens: 1 });
}
