// The merged outputs of a sweep, from whatever its configurations stored in the folder (one
// process, or N shards writing into one shared volume): sweep.csv, sweep.json, the plots —
// hit rate against TTFT p99 with the Pareto front, and a heat map when exactly two factors vary —
// and report.html, which shows them with the rows.

import { basename, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import writeFileAtomic from 'write-file-atomic';
import type { PlotFont } from '../report/fonts.ts';
import { formatJson } from '../report/json-format.ts';
import { writeReport } from '../report/html/write-report.ts';
import { sweepReportHtml, type SweepReportInput } from '../report/html/sweep-report.ts';
import { sweepHeatmapSpec } from '../report/plots/sweep-heatmap.ts';
import { sweepParetoSpec, type SweepPlotInput } from '../report/plots/sweep-pareto.ts';
import type { Configuration } from './sweep-configurations.ts';
import { varyingFactors } from './sweep-configurations.ts';
import type { SweepSpec } from './sweep-file.ts';
import { paretoKeys, rowLabel, sweepCsv, sweepDocument, sweepRow, type SweepDocument, type SweepRow } from './sweep-rows.ts';
import type { StoredConfiguration } from './sweep-store.ts';

export interface MergedSweep {
  readonly rows: readonly SweepRow[];
  readonly document: SweepDocument;
  /** Paths written: sweep.csv, sweep.json, each plot's SVG and PNG, then report.html. */
  readonly files: readonly string[];
}

/** The rows of the configurations stored, in sweep order; the configurations without a result are `missing`. */
export function sweepRows(configurations: readonly Configuration[], stored: ReadonlyMap<string, StoredConfiguration>): { rows: SweepRow[]; missing: Configuration[] } {
  const rows: SweepRow[] = [];
  const missing: Configuration[] = [];
  for (const c of configurations) {
    const s = stored.get(c.key);
    if (s === undefined) missing.push(c);
    else rows.push(sweepRow(c, s));
  }
  return { rows, missing };
}

/** What the sweep plots read of the rows. */
export function sweepPlotInput(spec: SweepSpec, rows: readonly SweepRow[]): SweepPlotInput {
  const varying = varyingFactors(spec);
  const front = new Set(paretoKeys(rows));
  return {
    scenario: spec.scenario,
    points: rows.map((r) => ({ label: rowLabel(r, varying), levels: r.levels, hit: r.blockHitRate, p99: r.ttftP99, front: front.has(r.key) })),
  };
}

/** Writes sweep.csv, sweep.json, the plots and report.html of `rows` into `dir`; `name` titles the page (the folder's name by default). */
export async function writeMergedSweep(dir: string, spec: SweepSpec, rows: readonly SweepRow[], font: PlotFont, name: string = basename(dir)): Promise<MergedSweep> {
  const document = sweepDocument(spec, rows);
  const csvPath = join(dir, 'sweep.csv');
  const jsonPath = join(dir, 'sweep.json');
  await writeFileAtomic(csvPath, sweepCsv(spec, rows));
  await writeFileAtomic(jsonPath, `${formatJson(document)}\n`);
  const files = [csvPath, jsonPath];
  // vega and resvg load only now (~0.35 s).
  const { renderSpec } = await import('../report/render.ts');
  // The page shows what the files hold: one input for both.
  const page = sweepReportInput(name, spec, rows, document);
  const plots: { name: 'sweep-pareto' | 'sweep-heatmap'; spec: TopLevelSpec }[] = [{ name: 'sweep-pareto', spec: sweepParetoSpec(page.plot, font.family) }];
  if (page.heatmap !== undefined) plots.push({ name: 'sweep-heatmap', spec: sweepHeatmapSpec({ ...page.plot, ...page.heatmap }, font.family) });
  const charts: Partial<Record<'sweep-pareto' | 'sweep-heatmap', string>> = {};
  for (const plot of plots) {
    const { svg, png } = await renderSpec(plot.spec, { font });
    const svgPath = join(dir, `${plot.name}.svg`);
    const pngPath = join(dir, `${plot.name}.png`);
    await writeFileAtomic(svgPath, svg);
    await writeFileAtomic(pngPath, png);
    files.push(svgPath, pngPath);
    charts[plot.name] = svg;
  }
  files.push(await writeReport(dir, await sweepReportHtml(page, { fontFamily: font.family, charts })));
  return { rows, document, files };
}

/** What the sweep's page shows: the shared flags and the factors, each row with its marks, the plots' input (and the heat maps' two factors when exactly two vary). */
function sweepReportInput(name: string, spec: SweepSpec, rows: readonly SweepRow[], document: SweepDocument): SweepReportInput {
  const varying = varyingFactors(spec);
  const plot = sweepPlotInput(spec, rows);
  const front = new Set(document.paretoFront);
  return {
    name,
    scenario: spec.scenario,
    settings: { ...spec.args, ...Object.fromEntries(Object.entries(spec.factors).map(([factor, levels]) => [`${factor} (levels)`, levels])) },
    factors: Object.keys(spec.factors),
    rows: rows.map((r) => ({ ...r, label: rowLabel(r, varying), front: front.has(r.key), best: document.best.filter((b) => b.key === r.key).map((b) => b.objective) })),
    plot,
    ...(varying.length === 2 && { heatmap: { x: varying[0]!, y: varying[1]! } }),
  };
}
