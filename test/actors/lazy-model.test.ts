// What a cluster loads: the model stack (transformers.js, ONNX Runtime) only when a model runs, the
// plot renderer never. Native libraries a process has opened are listed in its diagnostic report,
// so each case runs in a fresh process.

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

describe('lazyModel: what a cluster loads', () => {
  it('loads neither ONNX Runtime nor the plot renderer for the dummy model', () => {
    expect(nativeLibrariesAfterRun('dummy')).toEqual([]);
  });

  it('loads ONNX Runtime once a real model is asked for', () => {
    expect(nativeLibrariesAfterRun('tiny').some((s) => s.includes('onnxruntime'))).toBe(true);
  });
});
