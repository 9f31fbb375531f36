// The strategy table as Markdown, for the README: the numbers a reader compares when choosing a
// router (block hit rate, its share of the ideal bound, TTFT and e2e p50 / p99, load imbalance).

import { compact, percent } from './table.ts';

/** What the Markdown table reads of a run (a `ResultsRun` has it all). */
export interface MarkdownRun {
  readonly strategy: string;
  readonly cache: { readonly blockHitRate: number };
  readonly ofIdeal: { readonly blocks: number };
  readonly latency: { readonly ttft: { readonly p50: number; readonly p99: number }; readonly e2e: { readonly p50: number; readonly p99: number } };
  readonly loadImbalance: number;
}

/** One row per run, in the given order; latencies in ms. */
export function markdownTable(runs: readonly MarkdownRun[]): string {
  const rows = runs.map((r) =>
    [
      `\`${r.strategy}\``,
      percent(r.cache.blockHitRate),
      percent(r.ofIdeal.blocks),
      compact(r.latency.ttft.p50),
      compact(r.latency.ttft.p99),
      compact(r.latency.e2e.p50),
      compact(r.latency.e2e.p99),
      r.loadImbalance.toFixed(2),
    ].join(' | '),
  );
  return [
    '| strategy | hit (blocks) | % of ideal | TTFT p50 ms | TTFT p99 ms | e2e p50 ms | e2e p99 ms | imbalance |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}
