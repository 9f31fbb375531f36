// report.html of a sweep: its settings, the Pareto chart (and the heat maps when two factors
// vary), and a row per configuration with its levels, hit rates, share of the ideal and latencies,
// the Pareto front and each objective's winner marked. No host time is shown (the rows' wallMs
// differs between two runs of the same sweep), so the same stored results give the same bytes.

import type { JsonObject } from '../config.ts';
import { DEFAULT_FONT_FAMILY } from '../fonts.ts';
import { sweepHeatmapSpec } from '../plots/sweep-heatmap.ts';
import { sweepParetoSpec, type SweepPlotInput } from '../plots/sweep-pareto.ts';
import { figures, type Figure } from './charts.ts';
import { escapeHtml } from './escape.ts';
import { htmlPage, section } from './page.ts';
import { settingsList } from './settings.ts';
import { count, headingCells, ms, numericCells, percent, type Column } from './tables.ts';

/** What the page shows of a configuration (a sweep row's fields, plus its label and marks). */
export interface SweepReportRow {
  /** Its varying levels as a reader names them ("cache-aware · workers=4"). */
  readonly label: string;
  readonly levels: Readonly<Record<string, string | number | boolean>>;
  readonly blockHitRate: number;
  readonly tokenHitRate: number;
  /** Block hit rate as a share of the ideal bound's. */
  readonly ofIdeal: number;
  readonly ttftP50: number;
  readonly ttftP99: number;
  readonly e2eP99: number;
  readonly loadImbalance: number;
  readonly completed: number;
  readonly rejected: number;
  readonly failed: number;
  /** On the Pareto front of block hit rate against TTFT p99. */
  readonly front: boolean;
  /** The objectives it is best on ("lowest TTFT p99"). */
  readonly best: readonly string[];
}

export interface SweepReportInput {
  /** The sweep's name (its file's, without the extension). */
  readonly name: string;
  readonly scenario: string;
  /** The flags every configuration shares, then each factor with its levels. */
  readonly settings: JsonObject;
  /** The factors, in the file's order: the table's first columns. */
  readonly factors: readonly string[];
  readonly rows: readonly SweepReportRow[];
  /** The points of the Pareto chart; `heatmap` names the two varying factors when exactly two vary. */
  readonly plot: SweepPlotInput;
  readonly heatmap?: { readonly x: string; readonly y: string };
}

const COLUMNS: readonly Column<SweepReportRow>[] = [
  { heading: 'blocks', value: (r) => r.blockHitRate, format: percent, better: 'higher' },
  { heading: 'tokens', value: (r) => r.tokenHitRate, format: percent, better: 'higher' },
  { heading: '% of ideal', value: (r) => r.ofIdeal, format: percent, better: 'higher', bar: true },
  { heading: 'TTFT p50 ms', value: (r) => r.ttftP50, format: ms, better: 'lower' },
  { heading: 'TTFT p99 ms', value: (r) => r.ttftP99, format: ms, better: 'lower' },
  { heading: 'e2e p99 ms', value: (r) => r.e2eP99, format: ms, better: 'lower' },
  { heading: 'imbalance', value: (r) => r.loadImbalance, format: (v) => v.toFixed(2), better: 'lower' },
  { heading: 'completed', value: (r) => r.completed, format: count },
  { heading: 'rejected', value: (r) => r.rejected, format: count, better: 'lower' },
  { heading: 'failed', value: (r) => r.failed, format: count, better: 'lower' },
];

export interface SweepReportOptions {
  readonly fontFamily?: string;
  /** The charts already drawn, by name (the sweep's SVG files), so that they are not drawn twice. */
  readonly charts?: Readonly<Partial<Record<'sweep-pareto' | 'sweep-heatmap', string>>>;
}

/** The page of a sweep. */
export async function sweepReportHtml(input: SweepReportInput, options: SweepReportOptions = {}): Promise<string> {
  const fontFamily = options.fontFamily ?? DEFAULT_FONT_FAMILY;
  const pareto = options.charts?.['sweep-pareto'];
  const charts: Figure[] = [
    {
      name: 'sweep-pareto',
      caption: 'Each point a configuration; up and to the left is better. No configuration beats a point of the front on both.',
      ...(pareto === undefined ? { spec: sweepParetoSpec(input.plot, fontFamily) } : { svg: pareto }),
    },
  ];
  if (input.heatmap !== undefined) {
    const heatmap = options.charts?.['sweep-heatmap'];
    charts.push({
      name: 'sweep-heatmap',
      caption: `Each cell a configuration of ${input.heatmap.x} × ${input.heatmap.y}.`,
      ...(heatmap === undefined ? { spec: sweepHeatmapSpec({ ...input.plot, ...input.heatmap }, fontFamily) } : { svg: heatmap }),
    });
  }
  const sections = [
    section('configuration', 'Settings', settingsList(input.settings)),
    section('charts', 'Charts', await figures(charts), 'Hover a point for its configuration and values.'),
    section('configurations', 'Configurations', sweepTable(input), 'Hit rates over first admissions; % of ideal: the block hit rate as a share of the ideal bound of the configuration’s request stream. ◆: on the Pareto front. Bold: the best of a column.'),
  ];
  return htmlPage({ title: `Sweep ${input.name}`, subtitle: `${input.scenario} · ${input.rows.length} configurations · stateful-cache-router report`, sections });
}

function sweepTable(input: SweepReportInput): string {
  const cells = numericCells(input.rows, COLUMNS);
  const rows = input.rows.map((r, i) => {
    const levels = input.factors.map((f) => `<td class="text">${escapeHtml(r.levels[f] ?? '–')}</td>`).join('');
    const marks = `${r.front ? '◆ ' : ''}${r.best.map((b) => `best: ${b}`).join('; ')}`;
    return `<tr${r.front ? ' class="front"' : ''}>${levels}${cells[i]}<td class="text marks">${escapeHtml(marks)}</td></tr>`;
  });
  const factors = input.factors.map((f) => `<th class="text">${escapeHtml(f)}</th>`).join('');
  const groups = `<tr class="group"><th colspan="${input.factors.length}">configuration</th><th colspan="3">hit rate</th><th colspan="4"></th><th colspan="3">requests</th><th></th></tr>`;
  return `<div class="scroll"><table class="sweep"><thead>${groups}<tr>${factors}${headingCells(COLUMNS)}<th class="text">front, best</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
