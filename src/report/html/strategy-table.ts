// The strategy table: one row per run, the figures a reader compares first, with each hit rate's
// share of the ideal bound (one unbounded cache that sees every request in arrival order).

import type { ResultsRun } from '../results.ts';
import { escapeHtml } from './escape.ts';
import type { StrategySwitch } from './page.ts';
import { count, headingCells, ms, numericCells, percent, type Column } from './tables.ts';

const COLUMNS: readonly Column<ResultsRun>[] = [
  { heading: 'completed', value: (r) => r.requests.completed, format: count, better: 'higher' },
  { heading: 'rejected', value: (r) => r.requests.rejected, format: count, better: 'lower' },
  { heading: 'failed', value: (r) => r.requests.failed, format: count, better: 'lower' },
  { heading: 'tokens', value: (r) => r.cache.hitRate, format: percent, better: 'higher' },
  { heading: 'blocks', value: (r) => r.cache.blockHitRate, format: percent, better: 'higher' },
  { heading: '% of ideal', value: (r) => r.ofIdeal.blocks, format: percent, better: 'higher', bar: true },
  { heading: 'p50', value: (r) => latency(r, r.latency.ttft.p50), format: ms, better: 'lower' },
  { heading: 'p99', value: (r) => latency(r, r.latency.ttft.p99), format: ms, better: 'lower' },
  { heading: 'p50', value: (r) => latency(r, r.latency.e2e.p50), format: ms, better: 'lower' },
  { heading: 'p99', value: (r) => latency(r, r.latency.e2e.p99), format: ms, better: 'lower' },
  { heading: 'imbalance', value: (r) => r.loadImbalance, format: (v) => v.toFixed(2), better: 'lower' },
  { heading: 'preemptions', value: (r) => r.preemptions, format: count, better: 'lower' },
  { heading: 'evictions', value: (r) => r.evictions, format: count },
];

/** A latency, or null for a run that completed nothing (its 0 is not a measurement). */
function latency(run: ResultsRun, value: number): number | null {
  return run.requests.completed === 0 ? null : value;
}

/** The table of `runs`; each row named with its strategy's colour. */
export function strategyTable(runs: readonly ResultsRun[], switches: readonly StrategySwitch[]): string {
  const colour = new Map(switches.map((s) => [s.strategy, s.color]));
  const cells = numericCells(runs, COLUMNS);
  const rows = runs.map((run, i) => {
    const name = escapeHtml(run.strategy);
    const swatch = `<span class="swatch" style="background:${escapeHtml(colour.get(run.strategy) ?? '#999')}"></span> `;
    return `<tr data-strategy-row="${name}"><td class="text name">${swatch}${name}</td>${cells[i]}</tr>`;
  });
  const groups = '<tr class="group"><th></th><th colspan="3">requests</th><th colspan="3">hit rate (first admissions)</th><th colspan="2">TTFT ms</th><th colspan="2">e2e ms</th><th colspan="3">workers</th></tr>';
  return `<div class="scroll"><table class="strategies"><thead>${groups}<tr><th class="text">strategy</th>${headingCells(COLUMNS)}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
