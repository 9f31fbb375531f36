// When exactly two factors of a sweep vary: one heat map per measure over the grid of their levels
// (block hit rate, TTFT p99), each cell labelled with its value.

import type { TopLevelSpec } from 'vega-lite';
import type { SweepPlotInput } from './sweep-pareto.ts';
import { plotConfig } from './theme.ts';

/** Heat maps of block hit rate and TTFT p99 over the levels of `x` × `y`. */
export function sweepHeatmapSpec(input: SweepPlotInput & { readonly x: string; readonly y: string }, fontFamily: string): TopLevelSpec {
  const values = input.points.map((p) => ({ x: String(p.levels[input.x]), y: String(p.levels[input.y]), hit: p.hit, p99: p.p99 }));
  const order = (name: 'x' | 'y') => [...new Set(values.map((v) => v[name]))];
  const panel = (field: 'hit' | 'p99', title: string, format: string, scheme: string) => ({
    title,
    width: 260,
    height: 220,
    encoding: {
      x: { field: 'x', type: 'ordinal', title: input.x, sort: order('x') },
      y: { field: 'y', type: 'ordinal', title: input.y, sort: order('y') },
    },
    layer: [
      { mark: { type: 'rect' }, encoding: { color: { field, type: 'quantitative', title: null, scale: { scheme }, legend: { format } } } },
      { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field, type: 'quantitative', format } } },
    ],
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Sweep: ${input.x} × ${input.y}`, subtitle: `${input.scenario} · ${values.length} configurations` },
    data: { values },
    // Each panel its own colour scale and legend.
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    hconcat: [panel('hit', 'block hit rate (higher is better)', '.1%', 'greens'), panel('p99', 'TTFT p99, ms (lower is better)', '.0f', 'oranges')],
    config: plotConfig(fontFamily),
  } as TopLevelSpec;
}
