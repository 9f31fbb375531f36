// Plot (d): end-to-end latency of HIT and MISS requests (first admission found ≥ 1 cached block,
// or none), p50 and p95 side by side, per strategy. A status with no completed request has no bar.

import type { TopLevelSpec } from 'vega-lite';
import { PLOT_HEIGHT, plotConfig, subtitle, type PlotInput } from './theme.ts';

export const STRATEGY_AXIS = 'strategy';
export const STATUS_LATENCY_AXIS = 'end-to-end latency (ms)';

/** HIT vs MISS e2e p50 and p95 per strategy. */
export function latencyByCacheStatusSpec(input: PlotInput, fontFamily: string): TopLevelSpec {
  const values = input.runs.flatMap((run) =>
    (['HIT', 'MISS'] as const).flatMap((status) => {
      const s = status === 'HIT' ? run.hit : run.miss;
      if (s.count === 0) return [];
      return [
        { strategy: run.strategy, status, stat: 'p50', ms: s.e2e.p50, count: s.count },
        { strategy: run.strategy, status, stat: 'p95', ms: s.e2e.p95, count: s.count },
      ];
    }),
  );
  const strategies = input.runs.map((r) => r.strategy);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Latency by cache status', subtitle: subtitle(input, 'HIT: ≥ 1 cached block at first admission') },
    data: { values },
    facet: { column: { field: 'stat', type: 'nominal', title: null, sort: ['p50', 'p95'], header: { labelFontSize: 13 } } },
    spec: {
      // DejaVu Sans is wider than vega's text estimate: 110 units per strategy keep its label apart.
      width: Math.max(160, 110 * strategies.length),
      height: PLOT_HEIGHT,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'strategy', type: 'nominal', title: STRATEGY_AXIS, sort: strategies, axis: { labelAngle: 0 } },
        xOffset: { field: 'status', type: 'nominal', sort: ['HIT', 'MISS'] },
        y: { field: 'ms', type: 'quantitative', title: STATUS_LATENCY_AXIS },
        color: {
          field: 'status',
          type: 'nominal',
          title: 'cache status',
          scale: { domain: ['HIT', 'MISS'], range: ['#54a24b', '#e45756'] },
        },
      },
    },
    config: plotConfig(fontFamily),
  };
}
