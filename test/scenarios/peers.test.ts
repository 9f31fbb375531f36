// Every strategy, the peers' included, on both Mooncake traces (8 workers × 924 blocks): the ideal
// bound each result carries, the README's strategy tables (generated here, so they cannot go
// stale: UPDATE_README=1 rewrites them), and which peers beat the default, as the README says.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { markdownTable } from '../../src/report/markdown-table.ts';
import type { Results } from '../../src/report/results.ts';
import { PEER_STRATEGY_NAMES, STRATEGY_NAMES } from '../../src/routing/strategies.ts';
import { openLoop } from '../../src/workload/driver.ts';
import { readMooncakeTrace } from '../../src/workload/mooncake.ts';
import { runStrategies } from './strategy-runs.ts';

const traces = fileURLToPath(new URL('../../../shared/traces/', import.meta.url));
const readme = fileURLToPath(new URL('../../README.md', import.meta.url));
const haveTraces = existsSync(traces);
if (!haveTraces) console.warn(`skipping every strategy on the traces: ${traces} is missing (it sits beside the project in CI)`);

const TRACES = ['conversation', 'synthetic'] as const;
type Trace = (typeof TRACES)[number];

/** The README block of `trace`'s table, between its markers. */
const block = (trace: Trace, table: string) => `<!-- strategy-table:${trace} -->\n${table}\n<!-- /strategy-table:${trace} -->`;
const blockPattern = (trace: Trace) => new RegExp(`<!-- strategy-table:${trace} -->\\n(?:[\\s\\S]*?\\n)?<!-- /strategy-table:${trace} -->`);

describe.skipIf(!haveTraces)('every strategy on the Mooncake traces, 8 × 924 blocks', () => {
  const results = {} as Record<Trace, Results>;

  beforeAll(async () => {
    for (const trace of TRACES) {
      const requests = readMooncakeTrace(`${traces}${trace}_trace.jsonl`).requests;
      results[trace] = await runStrategies(trace, STRATEGY_NAMES, { workers: 8, seed: 1 }, () => openLoop(requests));
    }
  }, 900_000);

  it('carries the ideal bound of each stream: exactly 105,710 / 288,500 and 77,953 / 121,877 blocks', () => {
    expect(results.conversation.ideal).toMatchObject({ hitBlocks: 105_710, promptBlocks: 288_500 });
    expect(results.synthetic.ideal).toMatchObject({ hitBlocks: 77_953, promptBlocks: 121_877 });
    for (const trace of TRACES) {
      for (const run of results[trace].runs) {
        expect(run.ofIdeal.blocks, `${trace} ${run.strategy}`).toBeCloseTo(run.cache.blockHitRate / results[trace].ideal.blockHitRate, 5);
        expect(run.ofIdeal.blocks, `${trace} ${run.strategy}: no router beats one unbounded cache`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('completes every request under every strategy', () => {
    for (const trace of TRACES) {
      for (const run of results[trace].runs) expect(run.requests.completed, `${trace} ${run.strategy}`).toBe(run.requests.submitted);
    }
  });

  it('matches the README tables (UPDATE_README=1 rewrites them)', () => {
    let text = readFileSync(readme, 'utf8');
    for (const trace of TRACES) {
      const expected = block(trace, markdownTable(results[trace].runs));
      if (process.env['UPDATE_README'] === '1') text = text.replace(blockPattern(trace), expected);
      else expect(text, `README's ${trace} table is stale: run UPDATE_README=1 npx vitest run test/scenarios/peers.test.ts`).toContain(expected);
    }
    if (process.env['UPDATE_README'] === '1') writeFileSync(readme, text);
  });

  /** The peers that beat cache-aware: a block hit rate more than 0.5 pt higher, or a TTFT p99 more than 5 % lower. */
  const peersBeating = (trace: Trace): string[] => {
    const byName = new Map(results[trace].runs.map((r) => [r.strategy, r]));
    const ours = byName.get('cache-aware')!;
    return PEER_STRATEGY_NAMES.filter((peer) => {
      const theirs = byName.get(peer)!;
      return ours.cache.blockHitRate < theirs.cache.blockHitRate - 0.005 || ours.latency.ttft.p99 > theirs.latency.ttft.p99 * 1.05;
    });
  };

  it('no peer beats cache-aware on the conversation trace: its hit rate ≥ the peer’s − 0.5 pt and its TTFT p99 ≤ the peer’s × 1.05', () => {
    expect(peersBeating('conversation')).toEqual([]);
  });

  it('on the synthetic trace two peers do, as the README says: sglang-legacy and llm-d-affinity hit more (seed 1)', () => {
    expect(peersBeating('synthetic')).toEqual(['sglang-legacy', 'llm-d-affinity']);
  });
});
