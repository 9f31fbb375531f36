import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_FILES } from '../../src/model/tiny-gpt2/build.ts';
import { ensureTinyModel } from '../../src/model/tiny-gpt2/cache.ts';
import { BUILDER_VERSION, paramsHash, resolveTinyParams, TinyParamsError } from '../../src/model/tiny-gpt2/params.ts';
import { makeTempDir, removeTempDirs } from './fixtures.ts';

afterAll(removeTempDirs);

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
const digests = (dir: string): Record<string, string> => Object.fromEntries(MODEL_FILES.map((f) => [f, sha256(join(dir, f))]));

describe('tiny GPT-2 builder', () => {
  it('writes byte-identical files for one seed, and different weights for another', async () => {
    const a = await ensureTinyModel({ seed: 1, cacheDir: makeTempDir() });
    const b = await ensureTinyModel({ seed: 1, cacheDir: makeTempDir() });
    const c = await ensureTinyModel({ seed: 2, cacheDir: makeTempDir() });
    expect(a.dir).not.toBe(b.dir);
    expect(digests(a.dir)).toEqual(digests(b.dir));
    const [da, dc] = [digests(a.dir), digests(c.dir)];
    expect(dc['onnx/model.onnx'], 'another seed draws other weights').not.toBe(da['onnx/model.onnx']);
    expect(dc['tokenizer.json'], 'the tokenizer does not depend on the seed').toBe(da['tokenizer.json']);
  });

  it('pins the bytes of a default build to BUILDER_VERSION', async () => {
    const { dir } = await ensureTinyModel({ cacheDir: makeTempDir() });
    expect(BUILDER_VERSION).toBe(3);
    const changed = 'the builder output changed: if on purpose, bump BUILDER_VERSION (so old cache folders are not reused) and update this hash';
    expect(sha256(join(dir, 'onnx', 'model.onnx')), changed).toBe('abad78e9a519c1a551e0d6a4e3a5637776b7b2074932f81ce1ecd18c6b0c7700');
    expect(sha256(join(dir, 'onnx', 'decode.onnx')), changed).toBe('80b93081c0890dc62170f71f5032650eddf15d52b22f6ea873260c675daf0334');
  });

  it('writes a folder transformers.js can load: the six files (the decode graph too), a gpt2 config, about 31 MB', async () => {
    const { dir, params } = await ensureTinyModel({ cacheDir: makeTempDir() });
    for (const file of MODEL_FILES) expect(existsSync(join(dir, file)), file).toBe(true);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      model_type: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      vocab_size: 50257,
      n_layer: 2,
      n_embd: 64,
      n_head: 4,
      n_positions: params.positions,
      eos_token_id: 50256,
      bos_token_id: 50256,
    });
    const bytes = MODEL_FILES.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    // Each graph holds its own copy of the weights (15.4 MB).
    expect(bytes).toBeGreaterThan(28e6);
    expect(bytes).toBeLessThan(35e6);
  });

  it('names the folder by a hash of the parameters, and builds it only once', async () => {
    const cacheDir = makeTempDir();
    const [first, concurrent] = await Promise.all([ensureTinyModel({ cacheDir }), ensureTinyModel({ cacheDir })]);
    expect(first.dir).toBe(join(cacheDir, `tiny-gpt2-${paramsHash(first.params)}`));
    expect(concurrent).toBe(first);
    expect(first.built).toBe(true);
    const again = await ensureTinyModel({ cacheDir });
    expect(again).toMatchObject({ dir: first.dir, built: false });
    const rebuilt = await ensureTinyModel({ cacheDir, force: true });
    expect(rebuilt).toMatchObject({ dir: first.dir, built: true });
    expect(readdirSync(cacheDir), 'no temporary or set-aside folder is left behind').toEqual([`tiny-gpt2-${paramsHash(first.params)}`]);
  });

  it('gives every parameter a say in the folder name', () => {
    const base = resolveTinyParams();
    const variants = [{ seed: 1 }, { layers: 3 }, { width: 128 }, { heads: 8 }, { positions: 1024 }, { weightStd: 0.2 }, { eosLogitBias: 1 }];
    const hashes = new Set([paramsHash(base), ...variants.map((v) => paramsHash(resolveTinyParams(v)))]);
    expect(hashes.size).toBe(variants.length + 1);
    expect(paramsHash(resolveTinyParams({ seed: 0 }))).toBe(paramsHash(base));
  });

  it('refuses parameters that make no model, saying which', () => {
    expect(() => resolveTinyParams({ width: 65 })).toThrow(new TinyParamsError('width 65 is not a multiple of heads 4'));
    expect(() => resolveTinyParams({ layers: 0 })).toThrow('layers is 0; it must be an integer ≥ 1');
    expect(() => resolveTinyParams({ weightStd: 0 })).toThrow('weightStd is 0; it must be > 0');
  });
});
