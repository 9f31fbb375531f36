// Charts on the page: the same vega-lite specs as the PNGs, drawn to SVG and inlined. For the page
// every line also gets transparent points, so that hovering anywhere along it names the value
// there (a line is one SVG path, whose label is only its first point's).

import type { TopLevelSpec } from 'vega-lite';
import { escapeHtml } from './escape.ts';

export interface Figure {
  /** Names the figure for a reader and a test (data-chart). */
  readonly name: string;
  readonly spec: TopLevelSpec;
  /** How to read it, one or two sentences. */
  readonly caption: string;
  /** The strategy the whole figure belongs to (hidden with it), if one. */
  readonly strategy?: string;
}

/** Drawn wider than this, a chart takes a row of its own at its drawn size (two panels side by side); narrower ones go two to a row. */
const SPAN_WIDTH = 800;

/** Each figure drawn as inline SVG in a <figure>, in order. */
export async function figures(list: readonly Figure[]): Promise<string> {
  // vega loads only when a page is drawn, as for the PNGs.
  const { specToSvg } = await import('../render.ts');
  const drawn: string[] = [];
  for (const figure of list) {
    const svg = shortenGeometry(await specToSvg(withHoverPoints(figure.spec) as TopLevelSpec));
    const strategy = figure.strategy === undefined ? '' : ` data-strategy="${escapeHtml(figure.strategy)}"`;
    const span = Number(/^<svg[^>]* width="(\d+)"/.exec(svg)?.[1] ?? 0) > SPAN_WIDTH ? ' class="span"' : '';
    drawn.push(`<figure data-chart="${escapeHtml(figure.name)}"${span}${strategy}>${svg}<figcaption>${escapeHtml(figure.caption)}</figcaption></figure>`);
  }
  return `<div class="charts">${drawn.join('\n')}</div>`;
}

/**
 * Geometry (`d`, `transform`) to two decimals: vega writes full doubles, and a page of a dozen
 * strategies holds thousands of marks. A hundredth of a pixel is invisible; the values a reader
 * sees are in the aria-labels, left as they are.
 */
export function shortenGeometry(svg: string): string {
  return svg.replace(/ (d|transform)="([^"]*)"/g, (_, name: string, value: string) => ` ${name}="${value.replace(/(\d+\.\d\d)\d+/g, '$1')}"`);
}

/** A copy of `spec` whose line marks without points get transparent ones (vega-lite's `point: 'transparent'`). */
export function withHoverPoints(spec: unknown): unknown {
  if (Array.isArray(spec)) return spec.map(withHoverPoints);
  if (spec === null || typeof spec !== 'object') return spec;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    // `data` holds values, never marks: left as it is (and not walked, for speed).
    out[key] = key === 'mark' ? hoverMark(value) : key === 'data' ? value : withHoverPoints(value);
  }
  return out;
}

function hoverMark(mark: unknown): unknown {
  if (mark === 'line') return { type: 'line', point: 'transparent' };
  if (mark !== null && typeof mark === 'object' && (mark as { type?: unknown }).type === 'line' && !('point' in mark)) return { ...mark, point: 'transparent' };
  return mark;
}
