// The scenarios as a user runs them: real processes, real flags, files on disk.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resultsSchema } from '../../src/report/results-schema.ts';
import { STRATEGY_NAMES } from '../../src/routing/strategies.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const traces = join(root, '../shared/traces');
const haveTraces = existsSync(traces);
if (!haveTraces) console.warn(`skipping the replays of the real traces: ${traces} is missing (it sits beside the project in CI)`);

/** A small Mooncake trace of `n` requests sharing a first block, written into `dir`. */
function smallTrace(dir: string, n = 20): string {
  const path = join(dir, 'small.jsonl');
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ timestamp: i * 100, input_length: 1024, output_length: 64, hash_ids: [0, i + 1] }));
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

function run(script: string, args: string[]) {
  const result = spawnSync(tsx, [join(root, 'scenarios', script), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const outDir = () => mkdtempSync(join(tmpdir(), 'scr-scenario-'));
const readResults = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Record<string, unknown> & { wall: unknown; runs: { strategy: string; requests: { submitted: number; completed: number; rejected: number; failed: number } }[] };

describe('scenarios/rag.ts', () => {
  it('runs every strategy on the same requests and writes results.json, requests.jsonl and eight PNG plots', () => {
    const out = outDir();
    const { code, stdout, stderr } = run('rag.ts', ['--model', 'dummy', '--requests', '40', '--out', out]);
    expect(code, stderr).toBe(0);
    const results = readResults(out);
    expect(resultsSchema.safeParse(results).success).toBe(true);
    expect(results.runs.map((r) => r.strategy), 'every strategy by default').toEqual([...STRATEGY_NAMES]);
    for (const r of results.runs) expect(r.requests, r.strategy).toMatchObject({ submitted: 40, completed: 40, rejected: 0, failed: 0 });
    expect(readdirSync(out).filter((f) => f.endsWith('.png')).sort()).toEqual([
      'hit-rate-over-time.png', 'latency-by-cache-status.png', 'latency-distribution.png', 'match-length.png',
      'hit-vs-ttft.png', 'strategy-comparison.png', 'ttft-cdf.png', 'worker-load.png',
    ].sort());
    const lines = readFileSync(join(out, 'requests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(STRATEGY_NAMES.length * 40);
    expect(Object.keys(lines[0]!)).toEqual(['strategy', 'id', 'worker', 'servedBy', 'attempts', 'arrivalMs', 'ttftMs', 'e2eMs', 'promptBlocks', 'cachedBlocks', 'computedBlocks', 'outputTokens', 'status', 'predicted', 'rule', 'reason', 'endCode', 'endReason']);
    expect(lines.every((l) => l['status'] === 'completed')).toBe(true);
    expect(stdout).toContain('cache-aware');
  });

  it('writes byte-identical results, wall times aside, for the same seed', () => {
    const [a, b] = [outDir(), outDir()];
    for (const out of [a, b]) expect(run('rag.ts', ['--model', 'dummy', '--requests', '30', '--seed', '7', '--strategy', 'cache-aware,round-robin', '--out', out, '--quiet']).code).toBe(0);
    const strip = (dir: string) => {
      const { wall: _wall, ...rest } = readResults(dir);
      return JSON.stringify(rest);
    };
    expect(strip(a)).toBe(strip(b));
  });

  it('stops with a message naming a bad flag, and a non-zero exit', () => {
    const bad = run('rag.ts', ['--workers', '0']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("option '--workers <n>' argument '0' is invalid");
    const strategy = run('rag.ts', ['--strategy', 'fastest']);
    expect(strategy.code).not.toBe(0);
    expect(strategy.stderr).toContain("unknown strategy 'fastest'; valid: cache-aware, longest-prefix, round-robin, least-loaded");
  });

  it('names the model and the offline alternative when a hub model cannot be reached', () => {
    const { code, stderr } = run('rag.ts', ['--model', 'Xenova/gpt2', '--requests', '5']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Xenova\/gpt2.*unreachable.*--model tiny/);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('scenarios/replay.ts', () => {
  it.skipIf(!haveTraces)('replays a real trace with every request accounted for', () => {
    const out = outDir();
    const { code, stderr } = run('replay.ts', [join(traces, 'synthetic_trace.jsonl'), '--limit', '300', '--model', 'dummy', '--strategy', 'cache-aware', '--out', out]);
    expect(code, stderr).toBe(0);
    const [only] = readResults(out).runs;
    expect(only?.requests).toMatchObject({ submitted: 300, completed: 300 });
  });

  it('names a trace file it cannot read in one line, with no stack', () => {
    const missing = run('replay.ts', [join(outDir(), 'nope.jsonl'), '--model', 'dummy']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*nope\.jsonl: cannot read the trace: no such file\n$/);
  });

  it('stops at a malformed line, naming it, or skips and counts it with --skip-bad-lines', () => {
    const dir = outDir();
    const trace = join(dir, 'bad.jsonl');
    writeFileSync(trace, ['{"timestamp": 0, "input_length": 100, "output_length": 5, "hash_ids": [1]}', '{"timestamp": 5, "input_length": 100, "output_length": 5}', '{"timestamp": 9, "input_length": 100, "output_length": 5, "hash_ids": [1]}'].join('\n'));
    const strict = run('replay.ts', [trace, '--model', 'dummy', '--out', dir]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/bad\.jsonl line 2: hash_ids/);
    const lenient = run('replay.ts', [trace, '--model', 'dummy', '--skip-bad-lines', '--strategy', 'round-robin', '--out', dir]);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stderr).toContain('skipped 1 malformed lines');
    expect(readResults(dir).runs[0]?.requests.completed).toBe(2);
  });
});

describe('--jobs: strategies side by side on worker threads', () => {
  it('writes the same results.json (wall times aside), requests.jsonl, plots and report.html as one thread', () => {
    const dir = outDir();
    const trace = smallTrace(dir, 60);
    const strategies = 'cache-aware,round-robin,dynamo,llm-d';
    const one = join(dir, 'one');
    const two = join(dir, 'two');
    for (const [jobs, out] of [['1', one], ['2', two]] as const) {
      const { code, stderr } = run('replay.ts', [trace, '--model', 'dummy', '--strategy', strategies, '--jobs', jobs, '--out', out]);
      expect(code, stderr).toBe(0);
    }
    const strip = (d: string) => {
      const results = readResults(d) as Record<string, unknown> & { runs: Record<string, unknown>[] };
      return { ...results, wall: null, runs: results.runs.map((r) => ({ ...r, wallMs: null })) };
    };
    expect(strip(two)).toEqual(strip(one));
    expect(readResults(two).runs.map((r) => r.requests.completed)).toEqual([60, 60, 60, 60]);
    for (const file of ['requests.jsonl', 'hit-vs-ttft.svg', 'worker-load.png', 'report.html']) expect(readFileSync(join(two, file)), file).toEqual(readFileSync(join(one, file)));
  });
});

describe('the profile, latency and batch flags', () => {
  it('runs on the chosen profile under roofline with vLLM’s limits for its GPU, and records them', () => {
    const dir = outDir();
    const trace = smallTrace(dir);
    const roofline = run('replay.ts', [trace, '--model', 'dummy', '--strategy', 'round-robin', '--profile', 'llama-3-8b@h100-80gb', '--latency', 'roofline', '--out', dir]);
    expect(roofline.code, roofline.stderr).toBe(0);
    const results = readResults(dir) as ReturnType<typeof readResults> & { config: Record<string, unknown>; runs: { latency: { ttft: { p50: number } } }[] };
    expect(results.config).toMatchObject({ profile: 'llama-3-8b@h100-80gb', capacity: 28_821, latency: 'roofline', maxRunning: 1024, maxBatchedTokens: 8192 });
    expect(results.runs[0]?.requests.completed).toBe(20);
    const seed = run('replay.ts', [trace, '--model', 'dummy', '--strategy', 'round-robin', '--max-running', '2', '--max-batched-tokens', '512', '--out', dir]);
    expect(seed.code, seed.stderr).toBe(0);
    const seedResults = readResults(dir) as typeof results;
    expect(seedResults.config).toMatchObject({ profile: 'llama-2-13b@a100-40gb', capacity: 924, latency: 'seed', maxRunning: 2, maxBatchedTokens: 512 });
    // The same requests, priced by the seed's contract and by an H100's roofline.
    expect(seedResults.runs[0]!.latency.ttft.p50).not.toBe(results.runs[0]!.latency.ttft.p50);
  });

  it.each(['rag.ts', 'chat.ts', 'shared-prefix.ts', 'replay.ts'])('%s --help lists the profiles with their block counts and the latency models', (script) => {
    const { code, stdout } = run(script, ['--help']);
    expect(code).toBe(0);
    const help = stdout.replace(/\s+/g, ' ');
    for (const profile of ['llama-2-13b@a100-40gb (924 blocks)', 'llama-2-7b@a100-80gb (7549 blocks)', 'llama-3-8b@h100-80gb (28821 blocks)']) expect(help).toContain(profile);
    expect(help).toMatch(/--latency <model>.*choices: "seed", "roofline"/);
    expect(help).toContain('--max-batched-tokens <n>');
  });

  it('names a bad profile, latency model or limit', () => {
    const profile = run('replay.ts', ['t.jsonl', '--profile', 'gpt-5@tpu']);
    expect(profile.code).not.toBe(0);
    expect(profile.stderr).toContain("option '--profile <name>' argument 'gpt-5@tpu' is invalid. Allowed choices are llama-2-13b@a100-40gb, llama-2-7b@a100-80gb, llama-3-8b@h100-80gb.");
    const latency = run('replay.ts', ['t.jsonl', '--latency', 'fast']);
    expect(latency.stderr).toContain("option '--latency <model>' argument 'fast' is invalid. Allowed choices are seed, roofline.");
    const tokens = run('replay.ts', ['t.jsonl', '--max-batched-tokens', '0']);
    expect(tokens.stderr).toContain("option '--max-batched-tokens <n>' argument '0' is invalid. expected an integer ≥ 1");
  });
});

describe('scenarios/replay.ts with faults', () => {
  it.skipIf(!haveTraces)('survives a killed and restarted worker and dropped KV events, every request accounted for, the damage measured', () => {
    const out = outDir();
    const { code, stderr } = run('replay.ts', [
      join(traces, 'conversation_trace.jsonl'), '--workers', '8', '--kill-worker', '2@600s', '--restart-worker', '2@900s', '--kv-drop', '0.1',
      '--model', 'dummy', '--strategy', 'cache-aware', '--out', out, '--quiet',
    ]);
    expect(code, stderr).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      config: Record<string, unknown>;
      runs: { requests: { submitted: number; completed: number; rejected: number; failed: number }; prediction: { meanAbsError: number; exact: number }; timeline: { windows: { startMs: number; endMs: number; routed: number[] }[] } }[];
    };
    const [only] = results.runs;
    const { submitted, completed, rejected, failed } = only!.requests;
    expect(submitted).toBe(12_031);
    expect(completed + rejected + failed).toBe(submitted);
    expect(only!.prediction.meanAbsError).toBeGreaterThan(0);
    expect(only!.prediction.exact).toBeLessThan(1);
    // No request goes to worker 2 while it is down.
    const down = only!.timeline.windows.filter((w) => w.startMs >= 600_000 && w.endMs <= 900_000);
    expect(down.length).toBeGreaterThan(0);
    for (const w of down) expect(w.routed[2]).toBe(0);
    expect(results.config['faults']).toEqual(['kill 2@600000ms', 'restart 2@900000ms']);
  });

  it('names a fault flag it cannot read', () => {
    const bad = run('replay.ts', [smallTrace(outDir()), '--workers', '4', '--kill-worker', '7@10s', '--model', 'dummy']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--kill-worker: worker 7 does not exist; workers are 0..3');
  });
});
