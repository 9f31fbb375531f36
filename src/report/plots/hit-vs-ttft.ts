// Plot (h): what a reader chooses between: each strategy's block hit rate against its TTFT p99,
// one labelled point per strategy, the ideal bound (one unbounded cache) as a horizontal rule. Up
// and to the left is better; the points no other point beats on both axes are the Pareto front,
// drawn as filled points.

import type { TopLevelSpec } from 'vega-lite';
import { PLOT_HEIGHT, PLOT_WIDTH, plotConfig, strategyColor, subtitle, type PlotInput } from './theme.ts';

export const HIT_AXIS = 'block hit rate';
export const TTFT_P99_AXIS_X = 'TTFT p99 (ms)';
export const IDEAL_LABEL = 'ideal bound';

/** Whether no other run has a hit rate at least as high and a TTFT p99 at least as low, one of them strictly. */
export function onParetoFront(run: { hit: number; p99: number }, all: readonly { hit: number; p99: number }[]): boolean {
  return !all.some((o) => o.hit >= run.hit && o.p99 <= run.p99 && (o.hit > run.hit || o.p99 < run.p99));
}

/** Block hit rate against TTFT p99 per strategy, with the ideal bound. */
export function hitVsTtftSpec(input: PlotInput & { readonly ideal: { readonly blockHitRate: number } }, fontFamily: string): TopLevelSpec {
  const points = input.runs.map((r) => ({ strategy: r.strategy, hit: r.cache.blockHitRate, p99: r.latency.ttft.p99 }));
  const values = points.map((p) => ({ ...p, front: onParetoFront(p, points) ? 'Pareto front' : 'dominated' }));
  const ideal = input.ideal.blockHitRate;
  const hits = [ideal, ...points.map((p) => p.hit)];
  const lowHit = Math.min(...hits);
  const highHit = Math.max(...hits);
  const margin = Math.max(0.01, (highHit - lowHit) * 0.1);
  const p99s = points.map((p) => p.p99).filter((v) => v > 0);
  // A p99 that spans more than 4× (one strategy that piles up) would squash the others: log scale.
  const logX = p99s.length > 1 && Math.max(...p99s) > 4 * Math.min(...p99s);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Hit rate against TTFT p99',
      subtitle: [subtitle(input), `up and left is better; filled: the Pareto front; ${IDEAL_LABEL}: ${(ideal * 100).toFixed(1)} % of blocks`],
    },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer: [
      {
        data: { values: [{ ideal, label: IDEAL_LABEL }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: '#444' },
        encoding: { y: { field: 'ideal', type: 'quantitative', scale: { domain: [Math.max(0, lowHit - margin), Math.min(1, highHit + margin)] } } },
      },
      {
        data: { values: [{ ideal, label: IDEAL_LABEL }] },
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#444', fontSize: 11 },
        encoding: { y: { field: 'ideal', type: 'quantitative' }, x: { value: 0 }, text: { field: 'label' } },
      },
      {
        data: { values },
        mark: { type: 'point', size: 90, strokeWidth: 2 },
        encoding: {
          x: { field: 'p99', type: 'quantitative', title: TTFT_P99_AXIS_X, scale: logX ? { type: 'log' } : { zero: false } },
          y: { field: 'hit', type: 'quantitative', title: HIT_AXIS, axis: { format: '.1%' }, scale: { domain: [Math.max(0, lowHit - margin), Math.min(1, highHit + margin)] } },
          color: strategyColor(input),
          // The same colours as the strokes (one shared scale, one legend).
          fill: { condition: { test: "datum.front === 'Pareto front'", ...strategyColor(input) }, value: 'white' },
        },
      },
      {
        data: { values },
        mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 },
        encoding: {
          x: { field: 'p99', type: 'quantitative', scale: logX ? { type: 'log' } : { zero: false } },
          y: { field: 'hit', type: 'quantitative', scale: { domain: [Math.max(0, lowHit - margin), Math.min(1, highHit + margin)] } },
          text: { field: 'strategy' },
          color: strategyColor(input, null),
        },
      },
    ],
    config: plotConfig(fontFamily),
  };
}
