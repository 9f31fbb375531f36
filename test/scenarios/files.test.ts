// Files as a user gets them wrong: --out on a file, under a file, under /proc and /sys; a trace
// saved by a Windows editor (BOM, CRLF); output piped into `head`. One line each, before any
// simulating, or no complaint at all.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const dir = mkdtempSync(join(tmpdir(), 'scr-files-'));
const line = (i: number) => JSON.stringify({ timestamp: i * 100, input_length: 1024, output_length: 64, hash_ids: [0, i + 1] });
const trace = join(dir, 'trace.jsonl');
writeFileSync(trace, `${Array.from({ length: 30 }, (_, i) => line(i)).join('\n')}\n`);

function replay(args: string[]) {
  const result = spawnSync(tsx, [join(root, 'scenarios/replay.ts'), ...args, '--model', 'dummy', '--strategy', 'cache-aware,round-robin'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('--out', () => {
  writeFileSync(join(dir, 'a-file'), 'x');
  const cases: [string, string][] = [
    [join(dir, 'a-file'), 'a file is there, not a folder'],
    [join(dir, 'a-file', 'sub'), 'a file is in the way on that path'],
    ['/proc/scr-nope', 'it cannot be created there'],
  ];
  for (const [out, why] of cases) {
    it(`refuses ${out} in one line before simulating (${why})`, () => {
      const result = replay([trace, '--out', out]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe(`error: --out ${out}: cannot write results there (${why})`);
      expect(result.stdout, 'nothing ran').not.toContain('completed');
    });
  }

  it('creates missing folders and leaves no probe or temporary file behind', () => {
    const out = join(dir, 'new', 'deeper');
    expect(replay([trace, '--out', out, '--quiet']).code).toBe(0);
    expect(readdirSync(out).filter((f) => f.startsWith('.') || f.includes('.tmp') || /\.\d+$/.test(f))).toEqual([]);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
  });
});

describe('traces saved by other tools', () => {
  it('accepts a UTF-8 byte order mark and CRLF line ends', () => {
    const windows = join(dir, 'windows.jsonl');
    writeFileSync(windows, `\uFEFF${Array.from({ length: 30 }, (_, i) => line(i)).join('\r\n')}\r\n`);
    const [a, b] = [join(dir, 'unix-out'), join(dir, 'windows-out')];
    expect(replay([trace, '--out', a, '--quiet']).code).toBe(0);
    const result = replay([windows, '--out', b, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const strip = (d: string) => JSON.stringify({ ...JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')), wall: null, config: null });
    expect(strip(b)).toBe(strip(a));
  });
});

describe('output piped into head', () => {
  it('ends quietly with 0 when stdout is closed early', async () => {
    const child = spawn(tsx, [join(root, 'scenarios/replay.ts'), trace, '--model', 'dummy', '--strategy', 'all', '--jobs', '1', '--out', join(dir, 'piped')], { cwd: root, env: { ...process.env, CI: 'true' } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((r) => child.on('close', r));
    expect(stderr).not.toMatch(/EPIPE|at .*\.ts:\d+/);
    expect(code).toBe(0);
  }, 60_000);
});

describe('--docs', () => {
  it('names a documents folder that is not there in one line, without a stack', () => {
    const result = spawnSync(tsx, [join(root, 'scenarios/rag.ts'), '--model', 'dummy', '--requests', '5', '--docs', join(dir, 'no-docs'), '--out', join(dir, 'docs-out')], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`error: folder '${join(dir, 'no-docs')}': cannot read the documents: no such folder`);
  });
});
