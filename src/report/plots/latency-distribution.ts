// Plot (a): the latency distribution of each strategy as an ECDF, TTFT and end-to-end side by
// side, drawn from the 101 quantiles in results.json (x = latency at quantile q, y = q).

import type { TopLevelSpec } from 'vega-lite';
import { PLOT_HEIGHT, plotConfig, strategyColor, subtitle, type PlotInput } from './theme.ts';

export const TTFT_AXIS = 'time to first token (ms)';
export const E2E_AXIS = 'end-to-end latency (ms)';
export const FRACTION_AXIS = 'fraction of completed requests';

const PANELS = [
  { metric: 'ttft', title: TTFT_AXIS },
  { metric: 'e2e', title: E2E_AXIS },
] as const;

/** ECDFs of TTFT and e2e per strategy. */
export function latencyDistributionSpec(input: PlotInput, fontFamily: string): TopLevelSpec {
  const values = input.runs.flatMap((run) => {
    const { ttft, e2e } = run.latencyCdf;
    return [
      ...ttft.map((ms, i) => ({ strategy: run.strategy, metric: 'ttft', ms, fraction: i / (ttft.length - 1) })),
      ...e2e.map((ms, i) => ({ strategy: run.strategy, metric: 'e2e', ms, fraction: i / (e2e.length - 1) })),
    ];
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Latency distribution (ECDF)', subtitle: subtitle(input, 'completed requests') },
    data: { values },
    hconcat: PANELS.map(({ metric, title }) => ({
      width: 340,
      height: PLOT_HEIGHT,
      transform: [{ filter: { field: 'metric', equal: metric } }],
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title },
        y: { field: 'fraction', type: 'quantitative', title: FRACTION_AXIS, axis: { format: '%' }, scale: { domain: [0, 1] } },
        color: strategyColor(input),
        order: { field: 'fraction', type: 'quantitative' },
      },
    })),
    config: plotConfig(fontFamily),
  };
}
