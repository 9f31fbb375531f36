import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { summarize } from '../../src/metrics/summary.ts';
import { ReportInputError } from '../../src/report/errors.ts';
import { roundNumber } from '../../src/report/precision.ts';
import { buildResults, serializeResults, writeResults, type Results } from '../../src/report/results.ts';
import { resultsSchema } from '../../src/report/results-schema.ts';
import { recorderOf, served } from '../metrics/factories.ts';
import { REQUESTS, sampleInput, STRATEGIES } from './fixtures.ts';

const withoutWall = ({ wall: _wall, ...rest }: Results) => rest;

/** Every key path of a JSON value, arrays collapsed to `[]`: "runs[].latency.ttft.p50". */
function keyPaths(value: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  if (Array.isArray(value)) {
    for (const v of value) for (const p of keyPaths(v, `${prefix}[]`)) out.add(p);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = prefix === '' ? k : `${prefix}.${k}`;
      out.add(path);
      for (const p of keyPaths(v, path)) out.add(p);
    }
  }
  return out;
}

describe('buildResults', () => {
  it('writes byte-identical JSON for identical inputs', () => {
    const a = serializeResults(buildResults(sampleInput()));
    const b = serializeResults(buildResults(sampleInput()));
    expect(a).toBe(b);
    expect(a.endsWith('}\n')).toBe(true);
  });

  it('differs only under `wall` when only the wall times differ', () => {
    const a = buildResults(sampleInput([120, 80, 95]));
    const b = buildResults(sampleInput([7, 3000, 1.5]));
    expect(JSON.stringify(withoutWall(a))).toBe(JSON.stringify(withoutWall(b)));
    expect(a.wall).not.toEqual(b.wall);
    expect(serializeResults(a)).not.toBe(serializeResults(b));
  });

  it('writes JSON that parses back to the document, in lines of at most 120 characters', () => {
    const results = buildResults(sampleInput());
    const text = serializeResults(results);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(results)));
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(text, 'a distribution stays on one line').toMatch(/"e2e": \{ "count": 24, "mean": [\d.]+, "p50": /);
  });

  it('validates against resultsSchema, before and after a JSON round trip', () => {
    const results = buildResults(sampleInput());
    expect(resultsSchema.safeParse(results).error).toBeUndefined();
    expect(resultsSchema.parse(JSON.parse(serializeResults(results)))).toEqual(results);
  });

  it('is refused by the schema when a field is missing or unknown', () => {
    const results = JSON.parse(serializeResults(buildResults(sampleInput())));
    delete results.runs[0].cache.hitRate;
    expect(resultsSchema.safeParse(results).success).toBe(false);
    const extra = JSON.parse(serializeResults(buildResults(sampleInput())));
    extra.runs[0].hitRatio = 0.5;
    expect(resultsSchema.safeParse(extra).success, 'the schema is strict: it describes every field').toBe(false);
  });

  it('has the field names that readers rely on', () => {
    const paths = keyPaths(buildResults(sampleInput()));
    const required = [
      'scenario',
      'seed',
      'config',
      'runs',
      'wall',
      'runs[].strategy',
      ...['submitted', 'completed', 'rejected', 'failed'].map((k) => `runs[].requests.${k}`),
      ...['hitRate', 'blockHitRate', 'hitBlocks', 'queriedBlocks'].map((k) => `runs[].cache.${k}`),
      ...['ttft', 'e2e'].flatMap((m) => ['mean', 'p50', 'p95', 'p99'].map((k) => `runs[].latency.${m}.${k}`)),
      'runs[].hit.e2e.p50',
      'runs[].miss.e2e.p50',
      ...['id', 'requests', 'hitRate', 'evictions', 'preemptions'].map((k) => `runs[].workers[].${k}`),
      'runs[].loadImbalance',
      'runs[].simulatedMs',
      'wall.totalMs',
      ...['strategy', 'wallMs', 'simulatedMsPerWallMs', 'requestsPerWallSecond'].map((k) => `wall.runs[].${k}`),
    ];
    expect(required.filter((p) => !paths.has(p)), 'missing fields').toEqual([]);
  });

  it('keeps a fixed key order', () => {
    const results = buildResults(sampleInput());
    expect(Object.keys(results)).toEqual(['version', 'scenario', 'seed', 'config', 'ideal', 'runs', 'wall']);
    expect(Object.keys(results.ideal)).toEqual(['hitBlocks', 'promptBlocks', 'blockHitRate', 'hitTokens', 'promptTokens', 'hitRate']);
    expect(Object.keys(results.runs[0] ?? {})).toEqual([
      'strategy',
      'ofIdeal',
      'requests',
      'cache',
      'latency',
      'hit',
      'miss',
      'workers',
      'loadImbalance',
      'preemptions',
      'evictions',
      'prediction',
      'matchedBlocks',
      'latencyCdf',
      'timeline',
      'simulatedMs',
    ]);
    expect(results.runs.map((r) => r.strategy)).toEqual([...STRATEGIES]);
  });

  it('sorts the config keys at every level, whatever order the caller built them in', () => {
    const input = sampleInput();
    const a = buildResults({ ...input, config: { b: 1, a: { z: true, y: [{ d: 1, c: 2 }] } } });
    expect(JSON.stringify(a.config)).toBe('{"a":{"y":[{"c":2,"d":1}],"z":true},"b":1}');
  });

  it('copies the summary numbers, rounded to 6 significant digits, integers exact', () => {
    // workedExample of the metrics specification: 2 of 5 blocks cached, 32 of 72 tokens.
    const recorder = recorderOf(served('a', { cached: 2, computed: 3 }));
    const summary = summarize(recorder);
    const results = buildResults({
      scenario: 'one',
      seed: 1,
      config: {},
      runs: [
        {
          strategy: 'cache-aware',
          summary,
          records: recorder.records(),
          wallMs: 3,
          ideal: { hitBlocks: 3, promptBlocks: 5, blockHitRate: 0.6, hitTokens: 48, promptTokens: 80, hitRate: 0.6 },
        },
      ],
    });
    const run = results.runs[0];
    expect(results.ideal.blockHitRate).toBe(0.6);
    expect(run?.ofIdeal, 'hit rates as fractions of the ideal bound, rounded to 6 digits').toEqual({ tokens: 0.666667, blocks: 0.666667 });
    expect(run?.cache).toEqual({ hitRate: 0.4, blockHitRate: 0.4, hitTokens: 32, queriedTokens: 80, hitBlocks: 2, queriedBlocks: 5, readmissions: { count: 0, hitBlocks: 0, queriedBlocks: 0 } });
    expect(run?.latency.e2e).toEqual({ count: 1, mean: 57.5, p50: 57.5, p95: 57.5, p99: 57.5, max: 57.5 });
    expect(run?.latencyCdf.e2e).toHaveLength(101);
    expect(results.wall).toEqual({
      totalMs: 3,
      runs: [{ strategy: 'cache-aware', wallMs: 3, simulatedMsPerWallMs: roundNumber(57.5 / 3), requestsPerWallSecond: roundNumber(1000 / 3) }],
    });
    expect(roundNumber(1 / 3)).toBe(0.333333);
    expect(roundNumber(123456789)).toBe(123456789);
    expect(roundNumber(1234.56789)).toBe(1234.57);
    expect(roundNumber(-0)).toBe(0);
  });

  it('holds no absolute path, date or wall time outside `wall`', () => {
    const text = JSON.stringify(withoutWall(buildResults(sampleInput())));
    expect(text).not.toMatch(/"\/|[A-Za-z]:\\\\/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(text).not.toMatch(/wall/i);
  });

  it('refuses an absolute path in the config, naming the key', () => {
    const input = { ...sampleInput(), config: { trace: '/home/me/trace.jsonl' } };
    expect(() => buildResults(input)).toThrow(ReportInputError);
    expect(() => buildResults(input)).toThrow(/config\.trace is an absolute path/);
  });

  it('refuses two runs with the same strategy name', () => {
    const input = sampleInput();
    const first = input.runs[0];
    if (first === undefined) throw new Error('fixture has runs');
    expect(() => buildResults({ ...input, runs: [first, first] })).toThrow(/appears twice/);
  });

  it('sums the workers into preemptions and evictions, and counts every request', () => {
    const run = buildResults(sampleInput()).runs[0];
    expect(run?.requests).toEqual({ submitted: REQUESTS + 1, completed: REQUESTS, rejected: 1, failed: 0, pending: 0 });
    expect(run?.preemptions).toBe(1);
    expect(run?.evictions).toBe(2);
  });
});

describe('writeResults', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('creates the folder and writes results.json with a trailing newline', async () => {
    const root = await mkdtemp(join(tmpdir(), 'report-results-'));
    dirs.push(root);
    const results = buildResults(sampleInput());
    const path = await writeResults(join(root, 'out', 'rag'), results);
    expect(path).toBe(join(root, 'out', 'rag', 'results.json'));
    const text = await readFile(path, 'utf8');
    expect(text).toBe(serializeResults(results));
    expect(text.endsWith('\n')).toBe(true);
    expect(resultsSchema.parse(JSON.parse(text))).toEqual(results);
  });
});
