// What a cluster loads: the model stack (transformers.js, ONNX Runtime) only when a model runs, the
// plot renderer never; and the scenario commands load the tiny GPT-2's ONNX builder only to build
// it. Native libraries a process has opened are listed in its diagnostic report, CommonJS packages
// in require's cache, so each case runs in a fresh process.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The native libraries (ONNX Runtime, resvg) open after a small run of a cluster with `model`. */
function nativeLibrariesAfterRun(model: string): string[] {
  const script = `
    import { createCluster } from ${JSON.stringify(join(root, 'src/actors/cluster.ts'))};
    const cluster = createCluster({ workers: 2, model: ${JSON.stringify(model)} });
    cluster.submit({ prompt: [1, 2, 3, 4, 5], maxTokens: 3 });
    await cluster.run();
    console.log(JSON.stringify(process.report.getReport().sharedObjects.filter((s) => /onnxruntime|resvg/.test(s))));
  `;
  const result = spawnSync(join(root, 'node_modules/.bin/tsx'), ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as string[];
}

/** The CommonJS packages matching `pattern` in require's cache after importing `modules` (from the root) and loading the dummy model. */
function packagesAfterImporting(modules: readonly string[], pattern: RegExp): string[] {
  const script = `
    import { createRequire } from 'node:module';
    for (const path of ${JSON.stringify(modules.map((m) => join(root, m)))}) await import(path);
    const { loadTokenSource } = await import(${JSON.stringify(join(root, 'src/model/load-token-source.ts'))});
    await loadTokenSource('dummy');
    const pattern = new RegExp(${JSON.stringify(pattern.source)});
    console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache).filter((k) => pattern.test(k))));
  `;
  const result = spawnSync(join(root, 'node_modules/.bin/tsx'), ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as string[];
}

describe('lazyModel: what a cluster loads', () => {
  it('loads neither ONNX Runtime nor the plot renderer for the dummy model', () => {
    expect(nativeLibrariesAfterRun('dummy')).toEqual([]);
  });

  it('loads no ONNX model builder (onnx-proto, protobufjs) for the scenario commands and the dummy model', () => {
    const builder = /node_modules\/(onnx-proto|protobufjs)\//;
    expect(packagesAfterImporting(['scenarios/lib/commands.ts', 'scenarios/lib/run.ts'], builder)).toEqual([]);
    // The check can see them: the builder's own module brings both.
    const loaded = packagesAfterImporting(['src/model/tiny-gpt2/build.ts'], builder);
    expect(loaded.some((k) => k.includes('onnx-proto')) && loaded.some((k) => k.includes('protobufjs'))).toBe(true);
  });

  it('loads ONNX Runtime once a real model is asked for', () => {
    expect(nativeLibrariesAfterRun('tiny').some((s) => s.includes('onnxruntime'))).toBe(true);
  });
});
