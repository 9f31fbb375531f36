// scenarios/sweep.ts as a user runs it: real processes, a sweep file on disk, shards as an Indexed
// Job's pods would run them (JOB_COMPLETION_INDEX set), a kill in the middle, bad files.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/.bin/tsx');
const script = join(root, 'scenarios/sweep.ts');

function sweep(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(tsx, [script, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A folder with a Mooncake trace of `n` requests (groups of ten share a first block) and a sweep file over it. */
function sweepFolder(n: number, sweepFile: Record<string, unknown>): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'scr-sweep-'));
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ timestamp: i * 40, input_length: 2048, output_length: 128, hash_ids: [Math.floor(i / 10), 1000 + (i % 7), 2000 + i, 3000 + i] }));
  writeFileSync(join(dir, 'trace.jsonl'), `${lines.join('\n')}\n`);
  const file = join(dir, 'sweep.json');
  writeFileSync(file, JSON.stringify(sweepFile));
  return { dir, file };
}

const SPEC = { scenario: 'replay', args: { trace: 'trace.jsonl', model: 'dummy' }, factors: { strategy: ['cache-aware', 'round-robin'], workers: [2, 4] } };
/** sweep.csv without its last column (wall time, the one value that differs between runs). */
const rowsOf = (out: string) => readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n').map((l) => l.slice(0, l.lastIndexOf(',')));

describe('scenarios/sweep.ts', () => {
  const { dir, file } = sweepFolder(120, SPEC);
  const whole = join(dir, 'whole');
  const first = sweep([file, '--out', whole, '--jobs', '2']);

  it('runs every configuration and writes sweep.csv, sweep.json, the table, the best per objective and the plots', () => {
    expect(first.code, first.stderr).toBe(0);
    const rows = rowsOf(whole);
    expect(rows[0]).toMatch(/^strategy,workers,blockHitRate,tokenHitRate,ofIdeal,ttftP50,ttftP95,ttftP99,e2eP50,e2eP95,e2eP99,loadImbalance,preemptions,completed,rejected,failed$/);
    expect(rows.slice(1).map((r) => r.split(',').slice(0, 2).join(' '))).toEqual(['cache-aware 2', 'cache-aware 4', 'round-robin 2', 'round-robin 4']);
    for (const row of rows.slice(1)) expect(row.split(',').slice(-3), row).toEqual(['120', '0', '0']);
    const document = JSON.parse(readFileSync(join(whole, 'sweep.json'), 'utf8')) as { rows: { key: string }[]; paretoFront: string[]; best: { objective: string; key: string }[] };
    expect(document.rows).toHaveLength(4);
    expect(document.paretoFront.length).toBeGreaterThan(0);
    expect(document.best.map((b) => b.objective)).toContain('lowest TTFT p99');
    expect(readdirSync(whole).filter((f) => f.endsWith('.png')).sort()).toEqual(['sweep-heatmap.png', 'sweep-pareto.png']);
    expect(readdirSync(join(whole, 'configurations'))).toHaveLength(4);
    expect(first.stdout).toContain('cache-aware · workers=4');
    expect(first.stdout).toMatch(/best, highest block hit rate: cache-aware · workers=\d/);
    expect(first.stdout).toContain('Pareto front');
  });

  it('gives the same rows from three shards (as an Indexed Job runs them) and a merge', () => {
    const sharded = join(dir, 'sharded');
    for (let i = 0; i < 3; i++) {
      const shard = sweep([file, '--out', sharded, '--jobs', '1'], { JOB_COMPLETION_INDEX: String(i), JOB_COMPLETIONS: '3' });
      expect(shard.code, shard.stderr).toBe(0);
      expect(shard.stdout).toContain(`shard ${i}/3 done`);
      expect(existsSync(join(sharded, 'sweep.csv')), 'a shard does not merge').toBe(false);
    }
    expect(readdirSync(join(sharded, 'configurations')).sort()).toEqual(readdirSync(join(whole, 'configurations')).sort());
    const merged = sweep([file, '--out', sharded, '--merge']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(rowsOf(sharded)).toEqual(rowsOf(whole));
  });

  it('refuses to merge while a configuration has no result, naming how many', () => {
    const partial = join(dir, 'partial');
    expect(sweep([file, '--out', partial, '--shard', '0/2']).code).toBe(0);
    const merged = sweep([file, '--out', partial, '--merge']);
    expect(merged.code).toBe(1);
    expect(merged.stderr.trim()).toMatch(/^error: .*partial: 2 of 4 configurations have no results yet \(first: cache-aware · workers=4\); run the missing shards/);
    expect(merged.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('resumes after a kill: what was stored is kept, the rest runs, the rows are the same', async () => {
    const killed = join(dir, 'killed');
    const child = spawn(tsx, [script, file, '--out', killed, '--jobs', '1'], { cwd: root, env: { ...process.env, CI: 'true' }, detached: true });
    const stored = () => (existsSync(join(killed, 'configurations')) ? readdirSync(join(killed, 'configurations')).filter((f) => f.endsWith('.json')).length : 0);
    while (stored() === 0) await new Promise((r) => setTimeout(r, 10));
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = stored();
    expect(before, 'killed before the last configuration').toBeLessThan(4);
    expect(existsSync(join(killed, 'sweep.csv'))).toBe(false);
    const rerun = sweep([file, '--out', killed, '--jobs', '1']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain(`${before} already done, ${4 - before} to run`);
    expect(rowsOf(killed)).toEqual(rowsOf(whole));
    const again = sweep([file, '--out', killed]);
    expect(again.stderr).toContain('4 already done, 0 to run');
  }, 60_000);

  it('writes an Indexed Job, its volume claim and the merge Job with --emit k8s', () => {
    // The image holds the project: the sweep file must be inside it, given relative to it.
    const inProject = mkdtempSync(join(root, 'node_modules/.scr-sweep-'));
    writeFileSync(join(inProject, 'trace.jsonl'), readFileSync(join(dir, 'trace.jsonl')));
    writeFileSync(join(inProject, 'kv.json'), JSON.stringify(SPEC));
    const out = join(dir, 'k8s-out');
    const emitted = sweep([join(inProject, 'kv.json'), '--out', out, '--emit', 'k8s', '--shards', '2', '--image', 'registry.example/scr:1']);
    expect(emitted.code, emitted.stderr).toBe(0);
    expect(readdirSync(join(out, 'k8s')).sort()).toEqual(['merge-job.yaml', 'sweep-job.yaml', 'volume.yaml']);
    const job = parse(readFileSync(join(out, 'k8s/sweep-job.yaml'), 'utf8')) as { spec: { completions: number; template: { spec: { containers: { image: string; command: string[] }[] } } } };
    expect(job.spec.completions).toBe(2);
    expect(job.spec.template.spec.containers[0]!.image).toBe('registry.example/scr:1');
    expect(job.spec.template.spec.containers[0]!.command[3]).toMatch(/^node_modules\/\.scr-sweep-.*\/kv\.json$/);
    expect(emitted.stdout).toContain('kubectl apply');
    rmSync(inProject, { recursive: true });
    const outside = sweep([file, '--emit', 'k8s']);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('the image holds the project folder only');
  });

  it('refuses a bad sweep file with one line naming the field, before running anything', () => {
    const cases: [unknown, string][] = [
      [{ ...SPEC, factors: { wrkers: [2, 4] } }, "factors.wrkers[0]: unknown flag 'wrkers' of replay (did you mean workers?)"],
      [{ ...SPEC, factors: { workers: [] } }, 'factors.workers: expected at least one level'],
      [{ ...SPEC, factors: { workers: '4' } }, 'factors.workers: expected a list of levels'],
      [{ ...SPEC, factors: { workers: [2, 0] } }, "factors.workers[1]: option '--workers <n>' argument '0' is invalid. expected an integer from 1 to 4096, got '0'"],
      [{ ...SPEC, scenario: 'replays' }, "scenario: unknown scenario 'replays'; expected one of rag, chat, shared-prefix, replay"],
      [{ ...SPEC, args: { model: 'dummy' } }, 'args.trace: missing; replay needs its trace'],
      [{ ...SPEC, args: { ...SPEC.args, trace: 'nope.jsonl' } }, "args.trace: "],
      [{ ...SPEC, args: { ...SPEC.args, out: 'x' } }, 'args.out: set by the sweep itself'],
      [{ ...SPEC, args: { ...SPEC.args, 'kv-delay': 'soon' } }, "args: option '--kv-delay <time>' argument 'soon' is invalid."],
      [{ ...SPEC, extra: 1 }, "unknown field 'extra'"],
    ];
    for (const [content, message] of cases) {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify(content));
      const result = sweep([join(dir, 'bad.json'), '--out', join(dir, 'bad-out')]);
      expect(result.code, JSON.stringify(content)).toBe(1);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toContain(`bad.json: ${message}`);
      expect(existsSync(join(dir, 'bad-out')), 'nothing ran').toBe(false);
    }
    const missing = sweep([join(dir, 'none.yaml')]);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `error: ${join(dir, 'none.yaml')}: cannot read the sweep file: no such file`]);
  }, 60_000);
});
