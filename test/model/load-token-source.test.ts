import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { env } from '@huggingface/transformers';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../src/model/errors.ts';
import { loadTokenSource } from '../../src/model/load-token-source.ts';
import type { TokenSource } from '../../src/model/token-source.ts';
import type { ModelTokenSource } from '../../src/model/transformers-source.ts';
import { makeTempDir, makeTokens, removeTempDirs, tinyModel } from './fixtures.ts';

const loaded: TokenSource[] = [];
afterAll(async () => {
  await Promise.all(loaded.map((s) => (s as Partial<ModelTokenSource>).dispose?.()));
  removeTempDirs();
});

/** The message of the ModelLoadError that loading `spec` rejects with. */
async function loadError(spec: string, options: Parameters<typeof loadTokenSource>[1] = {}): Promise<string> {
  const error: unknown = await loadTokenSource(spec, options).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelLoadError);
  return (error as ModelLoadError).message;
}

const envSettings = () => ({ allowRemoteModels: env.allowRemoteModels, allowLocalModels: env.allowLocalModels, cacheDir: env.cacheDir });

describe('loadTokenSource', () => {
  it("'dummy': seeded synchronous tokens, with GPT-2's tokenizer for text", async () => {
    const source = await loadTokenSource('dummy', { seed: 7 });
    const out = source.next([{ requestId: 'r', tokens: [1, 2] }]);
    expect(Array.isArray(out), 'next stays synchronous').toBe(true);
    expect(source).toMatchObject({ name: 'dummy', eosTokenId: null });
    expect(source.encode?.('Hello world')).toEqual([15496, 995]);
    expect(source.decode?.([15496, 995])).toBe('Hello world');
    const again = await loadTokenSource('dummy', { seed: 7, text: false });
    expect(again.next([{ requestId: 'r', tokens: [1, 2] }])).toEqual(out);
    expect(again.decode, 'text: false leaves the dummy without a tokenizer').toBeUndefined();
  });

  it("'tiny' (the default): the tiny GPT-2, built offline into the cache folder", async () => {
    const cacheDir = makeTempDir();
    const source = await loadTokenSource(undefined, { cacheDir });
    loaded.push(source);
    expect(source).toMatchObject({ name: 'tiny-gpt2', eosTokenId: 50256 });
    const [token] = await source.next([{ requestId: 'r', tokens: makeTokens(10) }]);
    expect(Number.isInteger(token)).toBe(true);
    expect(source.encode?.('Hello world')).toEqual([15496, 995]);
  });

  it('a local folder: loads it as it is', async () => {
    const { dir } = await tinyModel();
    const source = await loadTokenSource(dir);
    loaded.push(source);
    expect(source.name).toBe(dir);
    expect(source.eosTokenId).toBe(50256);
  });

  it('a hub id without network: says the hub is unreachable and what to use instead, and restores env', async () => {
    const before = envSettings();
    const message = await loadError('Xenova/gpt2', { cacheDir: makeTempDir() });
    expect(message).toBe(
      "cannot load model 'Xenova/gpt2': the Hugging Face hub is unreachable (fetch failed: ENOTFOUND huggingface.co); use --model tiny (built in, offline) or a local folder",
    );
    expect(envSettings()).toEqual(before);
  });

  it('a hub id with remote loading off: says it is not in the hub cache', async () => {
    const cacheDir = makeTempDir();
    expect(await loadError('Xenova/distilgpt2', { cacheDir, allowRemote: false })).toBe(
      `cannot load model 'Xenova/distilgpt2': not in the hub cache ${join(cacheDir, 'hub')} and remote loading is off; ` +
        'allow remote loading, or use --model tiny (built in, offline) or a local folder',
    );
  });

  it('a hub id already in the hub cache (<cacheDir>/hub/<owner>/<name>/): loads without the network', async () => {
    const { dir } = await tinyModel();
    const cacheDir = makeTempDir();
    cpSync(dir, join(cacheDir, 'hub', 'Someone', 'tiny-copy'), { recursive: true });
    for (const allowRemote of [false, true]) {
      const source = await loadTokenSource('Someone/tiny-copy', { cacheDir, allowRemote });
      loaded.push(source);
      expect(source).toMatchObject({ name: 'Someone/tiny-copy', eosTokenId: 50256 });
    }
  });

  it('a folder with a missing file: names the file and the folder', async () => {
    const { dir } = await tinyModel();
    const broken = join(makeTempDir(), 'broken-model');
    cpSync(dir, broken, { recursive: true });
    rmSync(join(broken, 'tokenizer.json'));
    expect(await loadError(broken)).toBe(
      `cannot load model '${broken}': folder ${broken} has no tokenizer.json ` +
        '(a model folder needs config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx)',
    );
  });

  it('a folder that does not exist: says so', async () => {
    const missing = join(makeTempDir(), 'no', 'such-model');
    expect(await loadError(missing)).toBe(`cannot load model '${missing}': no such folder ${missing}`);
    expect(await loadError('./models/nothing-here')).toMatch(/^cannot load model '\.\/models\/nothing-here': no such folder \//);
  });

  it('an unknown name: lists the valid ones', async () => {
    expect(await loadError('tinyy')).toBe(
      "cannot load model 'tinyy': no folder named 'tinyy' here, and it is not a model name; valid: tiny, dummy, a hub id such as Xenova/gpt2, or a path to a model folder",
    );
  });
});
