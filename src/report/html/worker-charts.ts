// Per-worker charts of one run, side by side: requests routed per timeline window (results.json's
// timeline), and, where the run's occupancy was sampled, the peak requests on hand and the peak KV
// blocks held in each bucket of virtual time (src/metrics/occupancy.ts).

import type { TopLevelSpec } from 'vega-lite';
import type { OccupancySeries } from '../../metrics/occupancy.ts';
import { plotConfig, subtitle, type PlotInput } from '../plots/theme.ts';
import type { ResultsRun } from '../results.ts';

const PANEL_WIDTH = 300;
const PANEL_HEIGHT = 160;
const TIME = 'virtual time (s)';
/** Whole numbers only: these panels count requests and blocks. */
const COUNT_AXIS = { tickMinStep: 1, format: 'd' } as const;

/** One row of panels for `run`; `occupancy` adds the load and cache panels. */
export function workerChartSpec(input: PlotInput, run: ResultsRun, occupancy: OccupancySeries | undefined, fontFamily: string): TopLevelSpec {
  const workers = run.timeline.workers.map(String);
  const color = { field: 'worker', type: 'nominal', title: 'worker', scale: { domain: workers, scheme: 'tableau10' } } as const;
  // Every panel spans the whole run, so that the three read against one time axis.
  const x = { type: 'quantitative', title: TIME, scale: { domain: [0, run.simulatedMs / 1000], nice: false } } as const;
  const panels: object[] = [routedPanel(run, x, color)];
  if (occupancy !== undefined) {
    // A step line needs a point only where the level changes (and at the end): the page stays light.
    const sampled = (pick: 'load' | 'blocks') =>
      occupancy.workers.flatMap((w) =>
        w[pick].flatMap((value, i, all) => (i === 0 || i === all.length - 1 || value !== all[i - 1] ? [{ worker: String(w.id), seconds: (i * occupancy.bucketMs) / 1000, [pick]: value }] : [])),
      );
    panels.push(linePanel('requests on hand (peak)', sampled('load'), 'load', x, color));
    panels.push(linePanel('KV blocks held (peak)', sampled('blocks'), 'blocks', x, color));
  }
  const capacities = new Set(occupancy?.workers.map((w) => w.capacity) ?? []);
  const [capacity] = capacities;
  const held = occupancy === undefined ? undefined : capacities.size === 1 ? (capacity === null ? 'unbounded caches' : `${capacity} blocks per worker`) : 'capacities differ';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Workers over time: ${run.strategy}`, subtitle: subtitle(input, held) },
    hconcat: panels,
    resolve: { scale: { color: 'shared' } },
    config: plotConfig(fontFamily),
  } as TopLevelSpec;
}

/** Requests routed to each worker per timeline window, stacked in worker order: the height is the window's total. */
function routedPanel(run: ResultsRun, x: object, color: object): object {
  const { windows, workers } = run.timeline;
  const values = windows.flatMap((w) => {
    let below = 0; // requests of the workers stacked under this one
    return w.routed.map((routed, i) => {
      const bar = { worker: String(workers[i]), routed, start: w.startMs / 1000, end: w.endMs / 1000, from: below, to: below + routed };
      below += routed;
      return bar;
    });
  });
  return {
    title: { text: 'requests routed per window', fontSize: 12 },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values: values.filter((v) => v.routed > 0) },
    mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { ...x, field: 'start' },
      x2: { field: 'end' },
      y: { field: 'to', type: 'quantitative', title: null, axis: COUNT_AXIS },
      y2: { field: 'from' },
      color,
      tooltip: [{ field: 'worker' }, { field: 'routed', title: 'requests routed' }, { field: 'start', title: 'window from (s)' }, { field: 'end', title: 'to (s)' }],
    },
  };
}

/** A step line per worker over the occupancy buckets. */
function linePanel(title: string, values: readonly object[], field: string, x: object, color: object): object {
  return {
    title: { text: title, fontSize: 12 },
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
    encoding: {
      x: { ...x, field: 'seconds' },
      y: { field, type: 'quantitative', title: null, axis: COUNT_AXIS },
      color,
    },
  };
}
