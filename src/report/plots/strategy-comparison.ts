// Plot (g): the strategies side by side on the four figures a reader compares first, as small
// multiples (a 2 × 2 grid of horizontal bar charts, each with its own axis and unit): block hit
// rate (higher is better), TTFT p50, TTFT p99 and e2e p50 (lower is better). Each bar carries its
// value. A figure a strategy has no data for (nothing admitted, nothing completed) has no bar.

import type { TopLevelSpec } from 'vega-lite';
import type { ResultsRun } from '../results.ts';
import { plotConfig, strategyColor, subtitle, type PlotInput } from './theme.ts';

export const BLOCK_HIT_RATE_AXIS = 'block hit rate (%)';
/** The latency axes, in ms; a panel whose longest bar reaches SECONDS_FROM_MS is drawn in s ("TTFT p99 (s)"). */
export const TTFT_P50_AXIS = 'TTFT p50 (ms)';
export const TTFT_P99_AXIS = 'TTFT p99 (ms)';
export const E2E_P50_AXIS = 'e2e latency p50 (ms)';

/** Latency panels switch from ms to s when their largest value reaches this many ms. */
export const SECONDS_FROM_MS = 10_000;

interface Metric {
  readonly key: string;
  readonly title: string;
  /** The axis title in the metric's own unit (% or ms). */
  readonly axis: string;
  /** The figure in that unit, or undefined when the run has nothing to show for it. */
  readonly value: (run: ResultsRun) => number | undefined;
  readonly latency: boolean;
}

const PANEL_WIDTH = 250;
const BAR_STEP = 26;
/** A bar longer than this share of its axis has its label inside. */
const INSIDE_FRACTION = 0.72;

const METRICS: readonly Metric[] = [
  {
    key: 'blockHitRate',
    title: 'Block hit rate · higher is better',
    axis: BLOCK_HIT_RATE_AXIS,
    value: (r) => (r.cache.queriedBlocks === 0 ? undefined : r.cache.blockHitRate * 100),
    latency: false,
  },
  {
    key: 'ttftP50',
    title: 'TTFT p50 · lower is better',
    axis: TTFT_P50_AXIS,
    value: (r) => (r.latency.ttft.count === 0 ? undefined : r.latency.ttft.p50),
    latency: true,
  },
  {
    key: 'ttftP99',
    title: 'TTFT p99 · lower is better',
    axis: TTFT_P99_AXIS,
    value: (r) => (r.latency.ttft.count === 0 ? undefined : r.latency.ttft.p99),
    latency: true,
  },
  {
    key: 'e2eP50',
    title: 'End-to-end p50 · lower is better',
    axis: E2E_P50_AXIS,
    value: (r) => (r.latency.e2e.count === 0 ? undefined : r.latency.e2e.p50),
    latency: true,
  },
];

/** "8.25", "31.4", "312", "12,345": 2, 1 or 0 decimals by size, thousands grouped, trailing zeros dropped. */
export function shortNumber(value: number): string {
  const size = Math.abs(value);
  const digits = size >= 100 ? 0 : size >= 10 ? 1 : 2;
  const [whole = '0', fraction = ''] = value.toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const decimals = fraction.replace(/0+$/, '');
  return `${grouped}${decimals === '' ? '' : `.${decimals}`}`;
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `max` × 1.05 (1 for nothing). */
export function niceCeil(max: number): number {
  if (!(max > 0)) return 1;
  const target = max * 1.05;
  const power = 10 ** Math.floor(Math.log10(target));
  const step = [1, 2, 2.5, 5, 10].find((k) => k * power >= target) ?? 10;
  return step * power;
}

/** Block hit rate, TTFT p50 / p99 and e2e p50 per strategy, one panel per figure. */
export function strategyComparisonSpec(input: PlotInput, fontFamily: string): TopLevelSpec {
  const strategies = input.runs.map((r) => r.strategy);
  const panels = METRICS.map((m) => {
    const raw = input.runs.flatMap((run) => {
      const value = m.value(run);
      return value === undefined ? [] : [{ strategy: run.strategy, value }];
    });
    const largest = Math.max(0, ...raw.map((d) => d.value));
    const seconds = m.latency && largest >= SECONDS_FROM_MS;
    const unit = !m.latency ? '%' : seconds ? 's' : 'ms';
    const divisor = seconds ? 1000 : 1;
    const max = m.latency ? niceCeil(largest / divisor) : 100;
    // A long bar carries its value inside its end, a short one just past it.
    const values = raw.map(({ strategy, value }) => ({
      metric: m.key,
      strategy,
      value: value / divisor,
      label: m.latency ? `${shortNumber(value / divisor)} ${unit}` : `${value.toFixed(1)} %`,
      inside: value / divisor > INSIDE_FRACTION * max,
    }));
    return { metric: m, axis: seconds ? m.axis.replace('(ms)', '(s)') : m.axis, max, values };
  });
  const height = Math.max(2, strategies.length) * BAR_STEP;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Strategy comparison',
      subtitle: subtitle(input, 'hit rate over first admissions; latencies of completed requests'),
    },
    data: { values: panels.flatMap((p) => p.values) },
    columns: 2,
    concat: panels.map(({ metric: m, axis, max }) => ({
      title: { text: m.title, fontSize: 13, anchor: 'start', offset: 6 },
      width: PANEL_WIDTH,
      height,
      transform: [{ filter: { field: 'metric', equal: m.key } }],
      encoding: {
        // The strategy names label the bars; an axis title would only repeat "strategy" four times.
        y: { field: 'strategy', type: 'nominal', title: null, sort: strategies, scale: { domain: strategies } },
        x: {
          field: 'value',
          type: 'quantitative',
          title: axis,
          scale: { domain: [0, max], nice: false },
          axis: { format: ',~r', tickCount: 5 },
        },
      },
      layer: [
        { mark: { type: 'bar', height: { band: 0.72 } }, encoding: { color: strategyColor(input) } },
        {
          transform: [{ filter: 'datum.inside === false' }],
          mark: { type: 'text', align: 'left', baseline: 'middle', dx: 5, fontSize: 11, color: '#333' },
          encoding: { text: { field: 'label', type: 'nominal' } },
        },
        {
          transform: [{ filter: 'datum.inside === true' }],
          mark: { type: 'text', align: 'right', baseline: 'middle', dx: -5, fontSize: 11, fontWeight: 'bold', color: 'white' },
          encoding: { text: { field: 'label', type: 'nominal' } },
        },
      ],
    })),
    spacing: { row: 28, column: 36 },
    config: plotConfig(fontFamily),
  };
}
