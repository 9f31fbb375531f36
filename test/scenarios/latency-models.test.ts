// Every strategy under both latency models: chat at the scenario's defaults (dummy tokens), and the
// conversation trace under roofline (its seed table is peers.test.ts's). The README's tables are
// generated here, so they cannot go stale: UPDATE_README=1 rewrites them.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LatencyModelName } from '../../src/latency-model.ts';
import { loadTokenSource } from '../../src/model/load-token-source.ts';
import { memoizeTokens } from '../../src/model/memo-source.ts';
import { markdownTable } from '../../src/report/markdown-table.ts';
import type { Results } from '../../src/report/results.ts';
import { STRATEGY_NAMES } from '../../src/routing/strategies.ts';
import { chatSessions } from '../../src/workload/chat.ts';
import { openLoop } from '../../src/workload/driver.ts';
import { readMooncakeTrace } from '../../src/workload/mooncake.ts';
import { runStrategies } from './strategy-runs.ts';

const trace = fileURLToPath(new URL('../../../shared/traces/conversation_trace.jsonl', import.meta.url));
const readme = fileURLToPath(new URL('../../README.md', import.meta.url));
const haveTrace = existsSync(trace);
if (!haveTrace) console.warn(`skipping the conversation trace under roofline: ${trace} is missing (it sits beside the project in CI)`);

type Table = `chat:${LatencyModelName}` | 'conversation:roofline';

const block = (name: Table, table: string) => `<!-- latency-table:${name} -->\n${table}\n<!-- /latency-table:${name} -->`;
const blockPattern = (name: Table) => new RegExp(`<!-- latency-table:${name} -->\\n(?:[\\s\\S]*?\\n)?<!-- /latency-table:${name} -->`);

/** Checks (or, with UPDATE_README=1, rewrites) the README's tables. */
function expectReadme(tables: Partial<Record<Table, Results>>): void {
  let text = readFileSync(readme, 'utf8');
  for (const [name, results] of Object.entries(tables) as [Table, Results][]) {
    const expected = block(name, markdownTable(results.runs));
    if (process.env['UPDATE_README'] === '1') text = text.replace(blockPattern(name), expected);
    else expect(text, `README's ${name} table is stale: run UPDATE_README=1 npx vitest run test/scenarios/latency-models.test.ts`).toContain(expected);
  }
  if (process.env['UPDATE_README'] === '1') writeFileSync(readme, text);
}

describe('every strategy on chat under both latency models (scenario defaults, 4 workers)', () => {
  const chat = {} as Record<LatencyModelName, Results>;

  beforeAll(async () => {
    const source = await loadTokenSource('dummy', { seed: 1 });
    const tokens = memoizeTokens(source);
    const encode = (text: string) => source.encode!(text);
    // scenarios/chat.ts's defaults.
    const driver = () => chatSessions({ seed: 1, sessions: 40, turns: 5, encode, thinkTimeMs: { min: 1_000, max: 3_000 }, sessionRate: 4, outputTokens: 48 });
    for (const latency of ['seed', 'roofline'] as const) chat[latency] = await runStrategies('chat', STRATEGY_NAMES, { workers: 4, seed: 1, latency, tokens }, driver);
  }, 300_000);

  it('completes every request under both models', () => {
    for (const latency of ['seed', 'roofline'] as const) {
      for (const run of chat[latency].runs) expect(run.requests.completed, `${latency} ${run.strategy}`).toBe(run.requests.submitted);
    }
  });

  it('makes a pile-on cost end-to-end time under roofline that the seed model hides', () => {
    const e2eRatio = (latency: LatencyModelName) => {
      const byName = new Map(chat[latency].runs.map((r) => [r.strategy, r]));
      expect(byName.get('longest-prefix')!.loadImbalance, 'longest-prefix piles every session onto one worker').toBe(4);
      return byName.get('longest-prefix')!.latency.e2e.p50 / byName.get('round-robin')!.latency.e2e.p50;
    };
    // Seed: a batch of every session costs what a batch of one does; roofline reads every session's KV.
    expect(e2eRatio('roofline')).toBeGreaterThan(e2eRatio('seed') + 0.1);
  });

  describe.skipIf(!haveTrace)('and the conversation trace under roofline (8 workers)', () => {
    let conversation: Results;

    beforeAll(async () => {
      const requests = readMooncakeTrace(trace).requests;
      conversation = await runStrategies('replay', STRATEGY_NAMES, { workers: 8, seed: 1, latency: 'roofline' }, () => openLoop(requests));
    }, 600_000);

    it('completes every request', () => {
      for (const run of conversation.runs) expect(run.requests.completed, run.strategy).toBe(run.requests.submitted);
    });

    it('matches the README tables (UPDATE_README=1 rewrites them)', () => {
      expectReadme({ 'chat:seed': chat.seed, 'chat:roofline': chat.roofline, 'conversation:roofline': conversation });
    });
  });

  it.skipIf(haveTrace)('matches the README chat tables (UPDATE_README=1 rewrites them)', () => {
    expectReadme({ 'chat:seed': chat.seed, 'chat:roofline': chat.roofline });
  });
});
