// Plot (b): the prefix-cache hit rate of each strategy over virtual time, one point per timeline
// window that had admissions (an empty window has no rate, so it is left out, not drawn as 0).

import type { TopLevelSpec } from 'vega-lite';
import { PLOT_HEIGHT, PLOT_WIDTH, plotConfig, strategyColor, subtitle, type PlotInput } from './theme.ts';

export const TIME_AXIS = 'virtual time (s)';
export const HIT_RATE_AXIS = 'prefix-cache hit rate (tokens)';

/** Token hit rate per timeline window, one line per strategy. */
export function hitRateOverTimeSpec(input: PlotInput, fontFamily: string): TopLevelSpec {
  const values = input.runs.flatMap((run) =>
    run.timeline.windows
      .filter((w) => w.admissions > 0)
      .map((w) => ({ strategy: run.strategy, seconds: (w.startMs + w.endMs) / 2000, hitRate: w.hitRate, admissions: w.admissions })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Hit rate over time', subtitle: subtitle(input, `${windowsText(input)}, first admissions`) },
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values },
    mark: { type: 'line', point: { size: 30 }, strokeWidth: 2 },
    encoding: {
      x: { field: 'seconds', type: 'quantitative', title: TIME_AXIS },
      y: { field: 'hitRate', type: 'quantitative', title: HIT_RATE_AXIS, axis: { format: '%' }, scale: { domain: [0, 1] } },
      color: strategyColor(input),
    },
    config: plotConfig(fontFamily),
  };
}

/** "30 windows per run", or "windows of 2.5 s" when the runs share a length but not a count. */
function windowsText(input: PlotInput): string {
  const counts = new Set(input.runs.map((r) => r.timeline.windows.length));
  const lengths = new Set(input.runs.map((r) => r.timeline.windowMs));
  const [count] = counts;
  const [length] = lengths;
  if (counts.size > 1 && lengths.size === 1 && length !== undefined) return `windows of ${length / 1000} s`;
  return count === undefined ? 'no windows' : `${count} windows${counts.size > 1 ? ' (at most)' : ''} per run`;
}
