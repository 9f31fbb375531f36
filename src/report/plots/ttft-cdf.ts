// Plot (f): the TTFT CDF of each strategy, drawn from the 101 TTFT quantiles in results.json
// (x = TTFT at quantile q, y = q), one line per strategy, with dashed guides at the median and at
// the 99th percentile so p50 and p99 can be read off where each line crosses them. The x axis is
// logarithmic when the TTFTs span more than two decades (a cache hit's few ms next to a queued
// miss's seconds), linear otherwise.

import type { TopLevelSpec } from 'vega-lite';
import { PLOT_HEIGHT, PLOT_WIDTH, plotConfig, strategyColor, subtitle, type PlotInput } from './theme.ts';

export const TTFT_CDF_AXIS = 'time to first token (ms)';
export const TTFT_CDF_AXIS_LOG = 'time to first token (ms, log scale)';
export const TTFT_FRACTION_AXIS = 'fraction of completed requests';

/** Max / min positive TTFT above which the x axis turns logarithmic (two decades). */
export const LOG_SCALE_RATIO = 100;

const GUIDES = [
  { fraction: 0.5, label: 'p50' },
  { fraction: 0.99, label: 'p99' },
] as const;

/** The positive extent of `values`, or undefined when none is positive. */
function positiveExtent(values: readonly number[]): [number, number] | undefined {
  let min = Infinity;
  let max = 0;
  for (const v of values) {
    if (v > 0 && v < min) min = v;
    if (v > max) max = v;
  }
  return min === Infinity ? undefined : [min, max];
}

/** Whether TTFTs `values` (ms) call for a log x axis: their positive ones span more than LOG_SCALE_RATIO. */
export function ttftLogScale(values: readonly number[]): boolean {
  const extent = positiveExtent(values);
  return extent !== undefined && extent[1] / extent[0] > LOG_SCALE_RATIO;
}

/** Tick values of a log axis over [min, max]: powers of ten, with 2 and 5 × them over three decades or fewer. */
export function logTicks(min: number, max: number): number[] {
  const steps = Math.log10(max / min) > 3 ? [1] : [1, 2, 5];
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) {
    for (const step of steps) {
      // Built from the decimal string so that 0.1 × 3 never turns into 0.30000000000000004.
      const tick = Number(`${step}e${k}`);
      if (tick >= min && tick <= max) ticks.push(tick);
    }
  }
  return ticks;
}

/** TTFT CDF per strategy, log x when the range spans more than two decades. */
export function ttftCdfSpec(input: PlotInput, fontFamily: string): TopLevelSpec {
  const all = input.runs.flatMap((r) => r.latencyCdf.ttft);
  const extent = positiveExtent(all);
  const log = extent !== undefined && ttftLogScale(all);
  const values = input.runs.flatMap((run) => {
    const { ttft } = run.latencyCdf;
    // A log axis has no place for 0 ms: such quantiles (if any) start the line at the first positive one.
    return ttft.flatMap((ms, i) => (log && ms <= 0 ? [] : [{ strategy: run.strategy, ms, fraction: i / (ttft.length - 1) }]));
  });
  const guideY = {
    field: 'fraction',
    type: 'quantitative',
    title: TTFT_FRACTION_AXIS,
    axis: { format: '%' },
    scale: { domain: [0, 1] as number[] },
  } as const;
  const completed = input.runs.map((r) => `${r.strategy} ${r.latency.ttft.count}`).join(', ');
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Time to first token (CDF)',
      subtitle: [subtitle(input, 'time from submission to the first token, 101 quantiles per strategy'), `completed: ${completed === '' ? 'none' : completed}`],
    },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2 },
        encoding: {
          x: {
            field: 'ms',
            type: 'quantitative',
            title: log ? TTFT_CDF_AXIS_LOG : TTFT_CDF_AXIS,
            // On a log axis: exactly the data's extent, ticks (and grid lines) at 1, 2, 5 × 10^k only.
            scale: log && extent !== undefined ? { type: 'log', domain: extent, nice: false } : { zero: false },
            axis: log && extent !== undefined ? { format: ',~r', values: logTicks(extent[0], extent[1]) } : { format: ',~r' },
          },
          y: guideY,
          color: strategyColor(input),
          order: { field: 'fraction', type: 'quantitative' },
        },
      },
      {
        data: { values: GUIDES.map((g) => ({ ...g })) },
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 4], color: '#999', strokeWidth: 1 }, encoding: { y: guideY } },
          {
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 2, color: '#666', fontSize: 11, x: 0 },
            encoding: { y: guideY, text: { field: 'label', type: 'nominal' } },
          },
        ],
      },
    ],
    config: plotConfig(fontFamily),
  };
}
