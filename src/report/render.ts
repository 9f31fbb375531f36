// A vega-lite spec to SVG (vega's headless View, `renderer: 'none'`) and the SVG to PNG (resvg).
// Deterministic: vega measures text by an estimate, not a canvas (none is installed), and resvg is
// given font files only, so the same spec and font give the same SVG and the same PNG bytes.

import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { PlotFont } from './fonts.ts';
import { withHoverPoints } from './plots/hover-points.ts';

export interface RenderOptions {
  readonly font: PlotFont;
  /** PNG pixels per SVG unit; 2 by default (a 600-unit plot becomes 1200 px wide). */
  readonly scale?: number;
}

export interface Rendered {
  readonly svg: string;
  readonly png: Buffer;
}

/** The SVG of a vega-lite spec, drawn headless, its lines with hover points and its geometry to two decimals. */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(withHoverPoints(spec) as TopLevelSpec).spec), { renderer: 'none' });
  try {
    return shortenGeometry(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Geometry (`d`, `transform`) to two decimals: vega writes full doubles, and a page of a dozen
 * strategies holds thousands of marks. A hundredth of a pixel is invisible; the values a reader
 * sees are in the aria-labels, left as they are.
 */
function shortenGeometry(svg: string): string {
  return svg.replace(/ (d|transform)="([^"]*)"/g, (_, name: string, value: string) => ` ${name}="${value.replace(/(\d+\.\d\d)\d+/g, '$1')}"`);
}

/** PNG bytes of an SVG, its text drawn with `font`. */
export function svgToPng(svg: string, options: RenderOptions): Buffer {
  const { font } = options;
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: {
      fontFiles: [...font.files],
      loadSystemFonts: font.files.length === 0,
      defaultFontFamily: font.family,
      sansSerifFamily: font.family,
    },
    logLevel: 'off',
  });
  return resvg.render().asPng();
}

/** A spec rendered to SVG and PNG. */
export async function renderSpec(spec: TopLevelSpec, options: RenderOptions): Promise<Rendered> {
  const svg = await specToSvg(spec);
  return { svg, png: svgToPng(svg, options) };
}
