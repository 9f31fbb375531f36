// report.html of a scenario's runs: the configuration, the strategy table with each hit rate's
// share of the ideal, every plot of the folder (inline, hover for values, strategies switched on
// and off), each run's workers over time, and the slowest requests with their routing rule and
// reason. Built from what the folder's files hold (results.json less `wall`, requests.jsonl's
// text) plus the runs' sampled occupancy, so the same runs give the same bytes, --jobs or not.

import type { OccupancySeries } from '../../metrics/occupancy.ts';
import { DEFAULT_FONT_FAMILY } from '../fonts.ts';
import { PLOT_NAMES, plotSpec, type PlotName } from '../plots.ts';
import type { Results } from '../results.ts';
import { slowestRequests, SLOWEST_PER_STRATEGY } from '../slowest.ts';
import { figures, type Figure } from './charts.ts';
import { htmlPage, section, type StrategySwitch } from './page.ts';
import { settingsList } from './settings.ts';
import { slowestTable } from './slowest-table.ts';
import { strategyTable } from './strategy-table.ts';
import { percent } from './tables.ts';
import { workerChartSpec } from './worker-charts.ts';
import { writeReport } from './write-report.ts';

export interface RunReportInput {
  /** The results document; `wall` (host times) is never read, so it may be left out. */
  readonly results: Omit<Results, 'wall'>;
  /** requests.jsonl's text, for the slowest requests. */
  readonly requestsJsonl: string;
  /** Each run's sampled occupancy by strategy (StrategyRun.occupancy); a run without one gets no load and cache panels. */
  readonly occupancy?: Readonly<Record<string, OccupancySeries>>;
  /** The plots as writePlots drew them (its `svgs`); a plot not given is drawn here. */
  readonly charts?: Readonly<Partial<Record<PlotName, string>>>;
}

export interface RunReportOptions {
  /** The font family the charts name; DejaVu Sans by default, as the PNGs. */
  readonly fontFamily?: string;
  /** Slowest requests listed per strategy; 5 by default. */
  readonly slowest?: number;
}

/** How to read each plot, under it. */
const CAPTIONS: Readonly<Record<PlotName, string>> = {
  'latency-distribution': 'The further left a line, the faster; where it reaches the top is the slowest request.',
  'hit-rate-over-time': 'A cache-aware router climbs as the cache warms and stays above the others; dips follow evictions or new prefixes.',
  'worker-load': 'Even bars (imbalance near 1) mean balanced load; one tall bar is a hot spot.',
  'latency-by-cache-status': 'The gap between the HIT and MISS bars is what a cache hit saves.',
  'match-length': 'Mass in the right-hand buckets means long reused prefixes; the 0 bucket counts misses.',
  'ttft-cdf': 'Read p50 and p99 where each line crosses the dashed guides; further left is faster.',
  'strategy-comparison': 'Each panel has its own axis: compare within a panel. Hit rate is better longer, latencies shorter.',
  'hit-vs-ttft': 'Up and to the left is better; the dashed line is the ideal bound of the hit rate.',
};

/** The page of a scenario's runs. */
export async function runReportHtml(input: RunReportInput, options: RunReportOptions = {}): Promise<string> {
  const { results } = input;
  const fontFamily = options.fontFamily ?? DEFAULT_FONT_FAMILY;
  const switches = await strategySwitches(results.runs.map((r) => r.strategy));
  const requests = results.runs[0]?.requests.submitted ?? 0;
  const title = `${results.scenario} · seed ${results.seed}`;
  const plots: Figure[] = PLOT_NAMES.map((name) => {
    const svg = input.charts?.[name];
    return { name, caption: CAPTIONS[name], ...(svg === undefined ? { spec: plotSpec(name, results, fontFamily) } : { svg }) };
  });
  const workers: Figure[] = results.runs.map((run) => ({
    name: `workers-${run.strategy}`,
    strategy: run.strategy,
    spec: workerChartSpec(results, run, input.occupancy?.[run.strategy], fontFamily),
    caption:
      input.occupancy?.[run.strategy] === undefined
        ? 'Requests sent to each worker per timeline window, stacked.'
        : 'Routed: requests sent to each worker per timeline window, stacked. On hand and KV blocks held: the highest value in each bucket of virtual time, as the workers reported it.',
  }));
  const ideal = results.ideal;
  const sections = [
    section('configuration', 'Configuration', settingsList({ scenario: results.scenario, seed: results.seed, ...results.config })),
    section(
      'strategies',
      'Strategies',
      strategyTable(results.runs, switches),
      `Hit rates over each request's first admission. % of ideal: the block hit rate as a share of the ideal bound's (${percent(ideal.blockHitRate)} of blocks, ${percent(ideal.hitRate)} of tokens: one unbounded cache seeing every request in arrival order). Bold: the best of a column.`,
    ),
    section('charts', 'Charts', await figures(plots), 'Hover a mark for its values; the switches above hide a strategy everywhere.'),
    section('workers', 'Workers over time', await figures(workers)),
    section(
      'slowest',
      'Slowest requests',
      slowestTable(slowestRequests(input.requestsJsonl, options.slowest ?? SLOWEST_PER_STRATEGY)),
      'The completed requests with the longest end-to-end latency in each run, with the worker the router chose, the rule that chose it and its reason as the strategy gave it.',
    ),
  ];
  return htmlPage({ title, subtitle: `${results.runs.length} strategies on the same ${requests} requests · stateful-cache-router report`, switches, sections });
}

/** Writes report.html into `dir` (atomically, as every output); returns its path. */
export async function writeRunReport(dir: string, input: RunReportInput, options: RunReportOptions = {}): Promise<string> {
  return writeReport(dir, await runReportHtml(input, options));
}

/** A switch per strategy in the colour the charts give it (tableau20 in run order, as plots/theme.ts). */
async function strategySwitches(strategies: readonly string[]): Promise<StrategySwitch[]> {
  const { scheme } = await import('vega');
  const colors = scheme('tableau20') as readonly string[];
  return strategies.map((strategy, i) => ({ strategy, color: colors[i % colors.length]! }));
}
