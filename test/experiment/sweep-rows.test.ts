import { describe, expect, it } from 'vitest';
import { sweepConfigurations } from '../../src/experiment/sweep-configurations.ts';
import { sweepRows } from '../../src/experiment/sweep-merge.ts';
import { bestRows, MEASURES, paretoKeys, rowLabel, sweepCsv, sweepDocument } from '../../src/experiment/sweep-rows.ts';
import { STORED_VERSION, type StoredConfiguration } from '../../src/experiment/sweep-store.ts';
import { buildResults } from '../../src/report/results.ts';
import { runInput } from '../report/fixtures.ts';

const spec = { scenario: 'replay', args: { trace: 't.jsonl' }, factors: { strategy: ['cache-aware', 'round-robin'], 'kv-delay': ['0', '50ms,x'] } };
const configurations = sweepConfigurations(spec);
// A real run's results, with the three numbers the objectives read set per configuration.
const base = buildResults({ scenario: 'replay', seed: 1, config: {}, runs: [runInput('cache-aware')] });
function stored(i: number, hit: number, p99: number, failed = 0): StoredConfiguration {
  const run = base.runs[0]!;
  const c = configurations[i]!;
  return {
    version: STORED_VERSION, key: c.key, scenario: 'replay', levels: c.levels, args: c.args, ideal: base.ideal, wallMs: 10 + i,
    run: { ...run, cache: { ...run.cache, blockHitRate: hit }, latency: { ...run.latency, ttft: { ...run.latency.ttft, p99 } }, requests: { ...run.requests, rejected: 0, failed } },
  };
}

describe('sweep rows', () => {
  //   0: 30 % · 300 ms   1: 50 % · 400 ms   2: 30 % · 200 ms   3: 60 % · 100 ms, but with a failed request
  const all = new Map([stored(0, 0.3, 300), stored(1, 0.5, 400), stored(2, 0.3, 200), stored(3, 0.6, 100, 1)].map((s) => [s.key, s]));
  const { rows, missing } = sweepRows(configurations, all);

  it('are in sweep order; a configuration without a stored result is missing', () => {
    expect(rows.map((r) => r.key)).toEqual(configurations.map((c) => c.key));
    expect(missing).toEqual([]);
    const partial = new Map(all);
    partial.delete(configurations[1]!.key);
    expect(sweepRows(configurations, partial).missing.map((c) => c.index)).toEqual([1]);
  });

  it('write sweep.csv as the factors, then the measures, a row per configuration, quoting what needs it', () => {
    const lines = sweepCsv(spec, rows).trim().split('\n');
    expect(lines[0]).toBe(['strategy', 'kv-delay', ...MEASURES].join(','));
    expect(lines).toHaveLength(5);
    expect(lines[2]!.startsWith('cache-aware,"50ms,x",0.5,')).toBe(true);
    expect(lines[4]!.split(',').at(-2)).toBe('1'); // failed
  });

  it('name the best for each objective, never a configuration that lost requests', () => {
    const best = Object.fromEntries(bestRows(rows).map((b) => [b.objective, b.key]));
    expect(best['highest block hit rate']).toBe(configurations[1]!.key);
    expect(best['lowest TTFT p99']).toBe(configurations[2]!.key);
  });

  it('mark the Pareto front of hit rate against TTFT p99', () => {
    expect(paretoKeys(rows)).toEqual([configurations[3]!.key]);
    expect(paretoKeys(rows.slice(0, 3))).toEqual([configurations[1]!.key, configurations[2]!.key]);
    expect(sweepDocument(spec, rows.slice(0, 3)).paretoFront).toEqual([configurations[1]!.key, configurations[2]!.key]);
  });

  it('label a configuration by the factors that vary', () => {
    expect(rowLabel(rows[1]!, ['strategy', 'kv-delay'])).toBe('cache-aware · kv-delay=50ms,x');
    expect(rowLabel(rows[1]!, [])).toBe('cache-aware · kv-delay=50ms,x');
    expect(rowLabel({ levels: {} }, [])).toBe('the configuration');
  });
});
