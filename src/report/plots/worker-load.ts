// Plot (c): requests routed to each worker, grouped by worker, one bar per strategy; the
// subtitle gives each strategy's load imbalance (max / mean).

import type { TopLevelSpec } from 'vega-lite';
import { PLOT_HEIGHT, PLOT_WIDTH, plotConfig, strategyColor, subtitle, type PlotInput } from './theme.ts';

export const WORKER_AXIS = 'worker';
export const REQUESTS_AXIS = 'requests routed';

/** Requests per worker per strategy. */
export function workerLoadSpec(input: PlotInput, fontFamily: string): TopLevelSpec {
  const values = input.runs.flatMap((run) => run.workers.map((w) => ({ strategy: run.strategy, worker: w.id, requests: w.requests })));
  const imbalance = input.runs.map((r) => `${r.strategy} ${r.loadImbalance.toFixed(2)}`).join(', ');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Worker load', subtitle: [subtitle(input), `load imbalance (max / mean): ${imbalance}`] },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'worker', type: 'ordinal', title: WORKER_AXIS, axis: { labelAngle: 0 } },
      xOffset: { field: 'strategy', type: 'nominal', sort: input.runs.map((r) => r.strategy) },
      y: { field: 'requests', type: 'quantitative', title: REQUESTS_AXIS },
      color: strategyColor(input),
    },
    config: plotConfig(fontFamily),
  };
}
