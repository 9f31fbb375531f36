// The core entry is light: importing it loads the cluster's own dependencies, and no model,
// plotting or command-line library (those load through the subpaths, when used).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const HEAVY = /^(vega.*|@resvg\/.*|onnxruntime-.*|onnx-proto|@huggingface\/transformers|sharp|commander|cli-progress|csv-stringify|yaml|tinypool)$/;

/** The npm packages an import of `entry` loads (under tsx, from the sources). */
function packagesLoadedBy(entry: string): string[] {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/package/loaded-packages.mjs', entry], { cwd: root, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { packages: string[] }).packages;
}

describe('the core entry (src/index.ts)', () => {
  it('loads xstate and rxjs, and no model, plotting or CLI library', () => {
    const packages = packagesLoadedBy('./src/index.ts');
    expect(packages).toContain('xstate');
    expect(packages).toContain('rxjs');
    expect(packages.filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it('leaves the model stack to the model subpath (the check sees it when it loads)', () => {
    const packages = packagesLoadedBy('./src/model/index.ts');
    expect(packages).toContain('onnxruntime-node');
    expect(packages).toContain('@huggingface/transformers');
  });
});
