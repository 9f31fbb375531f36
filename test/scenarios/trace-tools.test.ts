// scenarios/make-trace.ts and scenarios/fetch-traces.ts as a user runs them. The download is
// served from this machine (a local HTTP server) so that the test needs no internet.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const traces = join(root, '../shared/traces');

function script(name: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(tsx, [join(root, 'scenarios', name), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a script while this process serves HTTP: spawnSync would block the server. */
function scriptAsync(name: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [join(root, 'scenarios', name), ...args], { cwd: root, env: { ...process.env, CI: 'true', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('scenarios/make-trace.ts', () => {
  it('writes a seeded trace that replay reads, the same bytes for the same seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scr-made-'));
    const made = script('make-trace.ts', ['--out', join(dir, 'a.jsonl'), '--requests', '300', '--seed', '5']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/a\.jsonl: 300 requests over \d+ s, 32 shared prefixes/);
    expect(script('make-trace.ts', ['--out', join(dir, 'b.jsonl'), '--requests', '300', '--seed', '5']).code).toBe(0);
    expect(readFileSync(join(dir, 'a.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'b.jsonl'), 'utf8'));
    const replay = script('replay.ts', [join(dir, 'a.jsonl'), '--model', 'dummy', '--strategy', 'cache-aware', '--out', join(dir, 'out'), '--quiet']);
    expect(replay.code, replay.stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'out/results.json'), 'utf8')) as { runs: { requests: { completed: number }; cache: { blockHitRate: number } }[] };
    expect(results.runs[0]!.requests.completed).toBe(300);
    expect(results.runs[0]!.cache.blockHitRate, 'the shared prefixes hit').toBeGreaterThan(0.3);
  });

  it('names a bad flag and a folder it cannot write to', () => {
    expect(script('make-trace.ts', ['--requests', '0']).stderr).toContain("option '--requests <n>' argument '0' is invalid");
    const unwritable = script('make-trace.ts', ['--out', '/proc/nope/t.jsonl']);
    expect([unwritable.code, unwritable.stderr.trim()]).toEqual([1, 'error: --out /proc/nope/t.jsonl: cannot write the trace (its folder does not exist)']);
  });
});

describe('scenarios/fetch-traces.ts', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it('says in one line that it cannot download when nothing answers (offline)', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const result = script('fetch-traces.ts', ['--out', mkdtempSync(join(tmpdir(), 'scr-fetch-'))], { SCR_TRACES_URL: `http://127.0.0.1:${port}/` });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^error: cannot download conversation_trace\\.jsonl from http://127\\.0\\.0\\.1:${port}/conversation_trace\\.jsonl \\(ECONNREFUSED\\): is this machine offline\\?`));
  });

  it('refuses a file whose checksum is not the pinned one, and writes the real traces when served', async () => {
    const haveTraces = existsSync(traces);
    server = createServer((req, res) => {
      const name = (req.url ?? '').slice(1);
      if (name.startsWith('bad/')) return res.end('{"timestamp":0}\n');
      if (!haveTraces) return void res.writeHead(404).end();
      res.end(readFileSync(join(traces, name)));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const dir = mkdtempSync(join(tmpdir(), 'scr-fetch-'));
    const bad = await scriptAsync('fetch-traces.ts', ['--out', dir], { SCR_TRACES_URL: `${base}bad/` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/conversation_trace\.jsonl from .* has SHA-256 [0-9a-f]{64}, not the pinned b8cbb061.*; not written/);
    expect(existsSync(join(dir, 'conversation_trace.jsonl'))).toBe(false);
    if (!haveTraces) return console.warn(`skipping the served download: ${traces} is missing (it sits beside the project in CI)`);
    const good = await scriptAsync('fetch-traces.ts', ['--out', dir], { SCR_TRACES_URL: base });
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).toContain('conversation_trace.jsonl: 3,029,533 bytes, SHA-256 checked');
    expect(readFileSync(join(dir, 'synthetic_trace.jsonl')).equals(readFileSync(join(traces, 'synthetic_trace.jsonl')))).toBe(true);
  });
});
