// --dashboard on the command line: the run's results are the same with it as without it, and
// flags it cannot go with, or a port it cannot have, are one line and a non-zero exit before
// anything runs. (The page itself is tested in a browser: test/browser/dashboard.test.ts.)

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const rag = join(root, 'scenarios/rag.ts');
const SMALL = ['--model', 'dummy', '--requests', '30', '--strategy', 'cache-aware,round-robin', '--quiet'];

/** Runs rag.ts with `args` to the end; its exit code and output. */
function runRag(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(tsx, [rag, ...args], { cwd: root, env: { ...process.env, CI: 'true' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

/** results.json without its wall times, which no two runs share. */
const resultsOf = (dir: string): unknown => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'), (key, value: unknown) => (/^wall/.test(key) ? undefined : value));

describe('--dashboard', () => {
  it('leaves the results as they are without it (full speed, two strategies)', async () => {
    const plain = join(root, '.cache/test-dashboard-plain');
    const watched = join(root, '.cache/test-dashboard-watched');
    const [a, b] = await Promise.all([runRag([...SMALL, '--out', plain]), runRag([...SMALL, '--dashboard', '0', '--out', watched])]);
    expect(a.status, a.stderr).toBe(0);
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr, 'with --quiet, the address goes to stderr').toMatch(/^Live dashboard: open http:\/\/127\.0\.0\.1:\d+\/ in a browser \(this machine only\); running at full speed/m);
    expect(b.stdout, 'and stdout is the results path alone').toBe(`${join(watched, 'results.json')}\n`);
    expect(resultsOf(watched)).toEqual(resultsOf(plain));
    expect(readFileSync(join(watched, 'requests.jsonl'), 'utf8')).toBe(readFileSync(join(plain, 'requests.jsonl'), 'utf8'));
  }, 90_000);

  it('says in one line that its port is in use, before running anything', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const result = await runRag([...SMALL, '--dashboard', String(port), '--out', join(root, '.cache/test-dashboard-taken')]);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(`error: --dashboard ${port}: already in use; pick another port, or 0 for any free one`);
      expect(result.stdout).toBe('');
    } finally {
      taken.close();
    }
  }, 60_000);

  it('refuses --jobs above 1 in one line: it follows one cluster at a time', () => {
    const result = spawnSync(tsx, [rag, ...SMALL, '--dashboard', '0', '--jobs', '2', '--out', join(root, '.cache/test-dashboard-jobs')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('error: --dashboard follows one cluster at a time, so the strategies run one after another: drop --jobs 2');
  }, 60_000);

  it('refuses a port that is not one, naming the flag', () => {
    const result = spawnSync(tsx, [rag, '--dashboard', '70000', '--model', 'dummy'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("option '--dashboard [port]' argument '70000' is invalid. expected an integer from 0 to 65535");
  }, 60_000);

  it('is documented in --help, with its default port and --dashboard-hold', () => {
    const help = spawnSync(tsx, [rag, '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 }).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--dashboard [port] follow the run live in a browser page at http://127.0.0.1:port (4400 if no port; 0 = any free port)');
    expect(help).toContain('--dashboard-hold keep the dashboard page up after the run, until Ctrl-C');
    expect(help).toContain('--no-dashboard-hold');
  }, 60_000);
});
