// A sweep's configurations, each a point of block hit rate against TTFT p99: up and to the left is
// better; the Pareto front (no configuration beats them on both) is filled and joined by a line.

import type { TopLevelSpec } from 'vega-lite';
import { HIT_AXIS, TTFT_P99_AXIS_X } from './hit-vs-ttft.ts';
import { PLOT_HEIGHT, PLOT_WIDTH, plotConfig } from './theme.ts';

/** What a sweep plot reads: one point per configuration. */
export interface SweepPlotInput {
  readonly scenario: string;
  readonly points: readonly {
    /** The configuration as a reader names it (its varying levels). */
    readonly label: string;
    readonly levels: Readonly<Record<string, string | number | boolean>>;
    readonly hit: number;
    readonly p99: number;
    readonly front: boolean;
  }[];
}

/** Block hit rate against TTFT p99, one point per configuration, the Pareto front marked. */
export function sweepParetoSpec(input: SweepPlotInput, fontFamily: string): TopLevelSpec {
  const values = input.points.map((p) => ({ label: p.label, hit: p.hit, p99: p.p99, front: p.front ? 'Pareto front' : 'dominated' }));
  const front = values.filter((v) => v.front === 'Pareto front').sort((a, b) => a.p99 - b.p99);
  const p99s = values.map((v) => v.p99).filter((v) => v > 0);
  const logX = p99s.length > 1 && Math.max(...p99s) > 4 * Math.min(...p99s);
  const x = { field: 'p99', type: 'quantitative', title: TTFT_P99_AXIS_X, scale: logX ? { type: 'log' as const } : { zero: false } } as const;
  const y = { field: 'hit', type: 'quantitative', title: HIT_AXIS, axis: { format: '.1%' }, scale: { zero: false } } as const;
  // Labels on every point while they stay readable; past that, the front's only. Points drawn at
  // one spot share one label; the slower half is labelled on its left, so no label runs past the
  // plot into the legend.
  const labelled = sharedLabels(values.length <= 16 ? values : front);
  const slowerHalf = (v: { p99: number }) => labelled.filter((o) => o.p99 < v.p99).length >= labelled.length / 2;
  const text = (values: readonly { p99: number }[], align: 'left' | 'right') => ({
    data: { values },
    mark: { type: 'text' as const, align, dx: align === 'left' ? 7 : -7, dy: -7, fontSize: 10 },
    encoding: { x, y, text: { field: 'label' } },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Sweep: hit rate against TTFT p99', subtitle: [`${input.scenario} · ${values.length} configurations`, `up and left is better; filled and joined: the Pareto front (${front.length})`] },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer: [
      { data: { values: front }, mark: { type: 'line', color: '#d62728', strokeDash: [4, 3] }, encoding: { x, y, order: { field: 'p99' } } },
      {
        data: { values },
        mark: { type: 'point', size: 70, strokeWidth: 2 },
        encoding: {
          x,
          y,
          color: { field: 'front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#d62728', '#7f7f7f'] } },
          fill: { condition: { test: "datum.front === 'Pareto front'", value: '#d62728' }, value: 'white' },
          tooltip: [{ field: 'label' }, { field: 'hit', format: '.2%' }, { field: 'p99', format: '.1f' }],
        },
      },
      text(labelled.filter((v) => !slowerHalf(v)), 'left'),
      text(labelled.filter(slowerHalf), 'right'),
    ],
    config: plotConfig(fontFamily),
  };
}

/** One label per spot: the labels of points with the same hit rate and p99 joined with " / ", in sweep order. */
function sharedLabels<P extends { label: string; hit: number; p99: number }>(points: readonly P[]): P[] {
  const bySpot = new Map<string, P>();
  for (const p of points) {
    const spot = `${p.hit} ${p.p99}`;
    const seen = bySpot.get(spot);
    bySpot.set(spot, seen === undefined ? p : { ...seen, label: `${seen.label} / ${p.label}` });
  }
  return [...bySpot.values()];
}
