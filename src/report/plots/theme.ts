// What every plot shares: the font, sizes, a white background, one colour per strategy in run
// order (so a strategy keeps its colour from plot to plot; 20 colours, so the 12 strategies never share one), and the subtitle naming the scenario.

import type { Config } from 'vega-lite';
import type { Results } from '../results.ts';

/** What a plot reads of the results document. */
export type PlotInput = Pick<Results, 'scenario' | 'seed' | 'runs' | 'ideal'>;

export const PLOT_WIDTH = 520;
export const PLOT_HEIGHT = 300;

/** The vega-lite config of every plot, text in `fontFamily`. */
export function plotConfig(fontFamily: string): Config {
  return {
    font: fontFamily,
    background: 'white',
    padding: 12,
    view: { stroke: '#ccc' },
    title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start', offset: 10 },
    axis: { labelFontSize: 11, titleFontSize: 12, titlePadding: 8, gridColor: '#e6e6e6' },
    // Room for strategy names of ~30 characters before the legend cuts them with an ellipsis.
    legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 240 },
    header: { labelFontSize: 12, titleFontSize: 12 },
  };
}

/** The colour encoding of the strategy field: run order fixes the colours. */
export function strategyColor(input: PlotInput, title: string | null = 'strategy') {
  return {
    field: 'strategy',
    type: 'nominal',
    title,
    scale: { domain: input.runs.map((r) => r.strategy), scheme: 'tableau20' },
  } as const;
}

/** "rag · seed 42", under each title. */
export function subtitle(input: PlotInput, more?: string): string {
  const base = `${input.scenario} · seed ${input.seed}`;
  return more === undefined ? base : `${base} · ${more}`;
}
