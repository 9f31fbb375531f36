// The plots of the report (DESIGN §3.10), each a vega-lite spec in plots/, drawn from the results
// document alone, so that a results.json can be plotted again later:
//   latency-distribution     ECDF of TTFT and e2e per strategy
//   hit-rate-over-time       token hit rate per timeline window per strategy
//   worker-load              requests routed per worker per strategy
//   latency-by-cache-status  HIT vs MISS e2e p50 and p95 per strategy
//   match-length             cached blocks at first admission, power-of-two buckets
//   ttft-cdf                 TTFT CDF per strategy (log x when it spans > 2 decades), p50 / p99 guides
//   strategy-comparison      block hit rate, TTFT p50 / p99, e2e p50 per strategy, one panel each
//   hit-vs-ttft              block hit rate against TTFT p99, a point per strategy, the ideal as a line
// Each is written as NAME.svg and NAME.png. Same results and font → same SVG and PNG bytes.

import { mkdir } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { DEFAULT_FONT_FAMILY, resolvePlotFont, type PlotFont, type PlotFontOptions } from './fonts.ts';
import { hitRateOverTimeSpec } from './plots/hit-rate-over-time.ts';
import { hitVsTtftSpec } from './plots/hit-vs-ttft.ts';
import { latencyByCacheStatusSpec } from './plots/latency-by-cache-status.ts';
import { latencyDistributionSpec } from './plots/latency-distribution.ts';
import { matchLengthSpec } from './plots/match-length.ts';
import { strategyComparisonSpec } from './plots/strategy-comparison.ts';
import type { PlotInput } from './plots/theme.ts';
import { ttftCdfSpec } from './plots/ttft-cdf.ts';
import { workerLoadSpec } from './plots/worker-load.ts';

export type { PlotInput } from './plots/theme.ts';

export const PLOT_NAMES = [
  'latency-distribution',
  'hit-rate-over-time',
  'worker-load',
  'latency-by-cache-status',
  'match-length',
  'ttft-cdf',
  'strategy-comparison',
  'hit-vs-ttft',
] as const;
export type PlotName = (typeof PLOT_NAMES)[number];

const SPECS: Readonly<Record<PlotName, (input: PlotInput, fontFamily: string) => TopLevelSpec>> = {
  'latency-distribution': latencyDistributionSpec,
  'hit-rate-over-time': hitRateOverTimeSpec,
  'worker-load': workerLoadSpec,
  'latency-by-cache-status': latencyByCacheStatusSpec,
  'match-length': matchLengthSpec,
  'ttft-cdf': ttftCdfSpec,
  'strategy-comparison': strategyComparisonSpec,
  'hit-vs-ttft': hitVsTtftSpec,
};

export interface PlotOptions {
  /** A resolved font, or where to find one (see fonts.ts); found by `resolvePlotFont()` by default. */
  readonly font?: PlotFont | PlotFontOptions;
  /** PNG pixels per SVG unit; 2 by default. */
  readonly scale?: number;
  /** Which plots; all of PLOT_NAMES by default. */
  readonly only?: readonly PlotName[];
}

export interface WrittenPlots {
  /** Paths written, NAME.svg then NAME.png for each plot, in PLOT_NAMES order. */
  readonly files: readonly string[];
  /** The font the PNGs were drawn with; `font.warning` is set when text may be missing. */
  readonly font: PlotFont;
  /** Each plot's SVG as written, for report.html. */
  readonly svgs: Readonly<Partial<Record<PlotName, string>>>;
}

/** The vega-lite spec of one plot (drawn once, for the files and the page). */
export function plotSpec(name: PlotName, input: PlotInput, fontFamily: string = DEFAULT_FONT_FAMILY): TopLevelSpec {
  return SPECS[name](input, fontFamily);
}

/** Renders the plots of `input` into `dir` (created if needed) as SVG and PNG. */
export async function writePlots(dir: string, input: PlotInput, options: PlotOptions = {}): Promise<WrittenPlots> {
  const font = isResolved(options.font) ? options.font : resolvePlotFont(options.font);
  // vega and resvg load only when something is drawn (~0.35 s).
  const { renderSpec } = await import('./render.ts');
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  const svgs: Partial<Record<PlotName, string>> = {};

  for (const name of PLOT_NAMES) {
    if (options.only !== undefined && !options.only.includes(name)) continue;
    const { svg, png } = await renderSpec(plotSpec(name, input, font.family), { font, ...(options.scale !== undefined && { scale: options.scale }) });
    const svgPath = join(dir, `${name}.svg`);
    const pngPath = join(dir, `${name}.png`);
    await writeFileAtomic(svgPath, svg);
    await writeFileAtomic(pngPath, png);
    svgs[name] = svg;
    files.push(svgPath, pngPath);
  }
  return { files, font, svgs };
}

function isResolved(font: PlotFont | PlotFontOptions | undefined): font is PlotFont {
  return font !== undefined && 'source' in font;
}
