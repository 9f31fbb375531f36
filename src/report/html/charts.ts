// Charts on the page: the same vega-lite specs as the PNGs, drawn to SVG (render.ts: every line
// with transparent hover points) and inlined; the plots' own SVG files, when given.

import type { TopLevelSpec } from 'vega-lite';
import { escapeHtml } from './escape.ts';

export type Figure = {
  /** Names the figure for a reader and a test (data-chart). */
  readonly name: string;
  /** How to read it, one or two sentences. */
  readonly caption: string;
  /** The strategy the whole figure belongs to (hidden with it), if one. */
  readonly strategy?: string;
} & (
  | { readonly spec: TopLevelSpec }
  /** The spec already drawn (the plots' SVG files are), so that it is not drawn twice. */
  | { readonly svg: string }
);

/** Drawn wider than this, a chart takes a row of its own at its drawn size (two panels side by side); narrower ones go two to a row. */
const SPAN_WIDTH = 800;

/** Each figure drawn as inline SVG in a <figure>, in order. */
export async function figures(list: readonly Figure[]): Promise<string> {
  // vega loads only when a chart is drawn here, as for the PNGs.
  const { specToSvg } = list.every((f) => 'svg' in f) ? { specToSvg: undefined } : await import('../render.ts');
  const drawn: string[] = [];
  for (const figure of list) {
    const svg = 'svg' in figure ? figure.svg : await specToSvg!(figure.spec);
    const strategy = figure.strategy === undefined ? '' : ` data-strategy="${escapeHtml(figure.strategy)}"`;
    const span = Number(/^<svg[^>]* width="(\d+)"/.exec(svg)?.[1] ?? 0) > SPAN_WIDTH ? ' class="span"' : '';
    drawn.push(`<figure data-chart="${escapeHtml(figure.name)}"${span}${strategy}>${svg}<figcaption>${escapeHtml(figure.caption)}</figcaption></figure>`);
  }
  return `<div class="charts">${drawn.join('\n')}</div>`;
}

