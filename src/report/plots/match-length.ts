// Plot (e): how many cached blocks requests found at their first admission, in the power-of-two
// buckets of RunSummary.matchedBlocks (0, 1, 2–3, 4–7, ...), one bar per strategy. Every strategy
// gets every bucket up to the highest filled by any (missing ones are 0), so bars line up.

import type { TopLevelSpec } from 'vega-lite';
import { PLOT_HEIGHT, PLOT_WIDTH, plotConfig, strategyColor, subtitle, type PlotInput } from './theme.ts';

export const MATCH_AXIS = 'cached blocks at first admission';
export const MATCH_COUNT_AXIS = 'requests';

/** The bucket named by lower bound `blocks`: "0", "1", "2–3", "4–7", ... */
export function bucketLabel(blocks: number): string {
  return blocks <= 1 ? String(blocks) : `${blocks}–${2 * blocks - 1}`;
}

/** Histogram of matched prefix lengths per strategy. */
export function matchLengthSpec(input: PlotInput, fontFamily: string): TopLevelSpec {
  const bounds = [...new Set(input.runs.flatMap((r) => r.matchedBlocks.map((b) => b.blocks)))].sort((a, b) => a - b);
  const values = input.runs.flatMap((run) => {
    const counts = new Map(run.matchedBlocks.map((b) => [b.blocks, b.count]));
    return bounds.map((blocks) => ({ strategy: run.strategy, bucket: bucketLabel(blocks), requests: counts.get(blocks) ?? 0 }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Match length', subtitle: subtitle(input, 'admitted requests, power-of-two buckets') },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'bucket', type: 'ordinal', title: MATCH_AXIS, sort: bounds.map(bucketLabel), axis: { labelAngle: 0 } },
      xOffset: { field: 'strategy', type: 'nominal', sort: input.runs.map((r) => r.strategy) },
      y: { field: 'requests', type: 'quantitative', title: MATCH_COUNT_AXIS },
      color: strategyColor(input),
    },
    config: plotConfig(fontFamily),
  };
}
