// The merged outputs of a sweep, from whatever its configurations stored in the folder (one
// process, or N shards writing into one shared volume): sweep.csv, sweep.json, and the plots —
// hit rate against TTFT p99 with the Pareto front, and a heat map when exactly two factors vary.

import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { PlotFont } from '../report/fonts.ts';
import { formatJson } from '../report/json-format.ts';
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
  /** Paths written: sweep.csv, sweep.json, then each plot's SVG and PNG. */
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

/** Writes sweep.csv, sweep.json and the plots of `rows` into `dir`. */
export async function writeMergedSweep(dir: string, spec: SweepSpec, rows: readonly SweepRow[], font: PlotFont): Promise<MergedSweep> {
  const document = sweepDocument(spec, rows);
  const csvPath = join(dir, 'sweep.csv');
  const jsonPath = join(dir, 'sweep.json');
  await writeFileAtomic(csvPath, sweepCsv(spec, rows));
  await writeFileAtomic(jsonPath, `${formatJson(document)}\n`);
  const files = [csvPath, jsonPath];
  // vega and resvg load only now (~0.35 s).
  const { renderSpec } = await import('../report/render.ts');
  const input = sweepPlotInput(spec, rows);
  const varying = varyingFactors(spec);
  const plots = [{ name: 'sweep-pareto', spec: sweepParetoSpec(input, font.family) }];
  if (varying.length === 2) plots.push({ name: 'sweep-heatmap', spec: sweepHeatmapSpec({ ...input, x: varying[0]!, y: varying[1]! }, font.family) });
  for (const plot of plots) {
    const { svg, png } = await renderSpec(plot.spec, { font });
    const svgPath = join(dir, `${plot.name}.svg`);
    const pngPath = join(dir, `${plot.name}.png`);
    await writeFileAtomic(svgPath, svg);
    await writeFileAtomic(pngPath, png);
    files.push(svgPath, pngPath);
  }
  return { rows, document, files };
}
