// The merged view of a sweep: one row per configuration (its levels, then what a reader compares),
// sweep.csv and sweep.json, the best configuration for each objective and the Pareto front of hit
// rate against TTFT p99.

import { stringify } from 'csv-stringify/sync';
import { onParetoFront } from '../report/plots/hit-vs-ttft.ts';
import { compact, percent } from '../report/table.ts';
import type { Configuration } from './sweep-configurations.ts';
import type { Level, SweepSpec } from './sweep-file.ts';
import type { StoredConfiguration } from './sweep-store.ts';

export interface SweepRow {
  readonly key: string;
  readonly levels: Readonly<Record<string, Level>>;
  readonly blockHitRate: number;
  readonly tokenHitRate: number;
  /** Block hit rate as a fraction of the ideal bound's. */
  readonly ofIdeal: number;
  readonly ttftP50: number;
  readonly ttftP95: number;
  readonly ttftP99: number;
  readonly e2eP50: number;
  readonly e2eP95: number;
  readonly e2eP99: number;
  readonly loadImbalance: number;
  readonly preemptions: number;
  readonly completed: number;
  readonly rejected: number;
  readonly failed: number;
  /** Host time of the run, ms (the one column that differs between two runs of the same sweep). */
  readonly wallMs: number;
}

/** The measure columns of sweep.csv after the factors, in order. */
export const MEASURES = [
  'blockHitRate', 'tokenHitRate', 'ofIdeal', 'ttftP50', 'ttftP95', 'ttftP99', 'e2eP50', 'e2eP95', 'e2eP99',
  'loadImbalance', 'preemptions', 'completed', 'rejected', 'failed', 'wallMs',
] as const satisfies readonly (keyof SweepRow)[];

/** A configuration's row. */
export function sweepRow(configuration: Configuration, stored: StoredConfiguration): SweepRow {
  const { run } = stored;
  return {
    key: configuration.key,
    levels: configuration.levels,
    blockHitRate: run.cache.blockHitRate,
    tokenHitRate: run.cache.hitRate,
    ofIdeal: run.ofIdeal.blocks,
    ttftP50: run.latency.ttft.p50,
    ttftP95: run.latency.ttft.p95,
    ttftP99: run.latency.ttft.p99,
    e2eP50: run.latency.e2e.p50,
    e2eP95: run.latency.e2e.p95,
    e2eP99: run.latency.e2e.p99,
    loadImbalance: run.loadImbalance,
    preemptions: run.preemptions,
    completed: run.requests.completed,
    rejected: run.requests.rejected,
    failed: run.requests.failed,
    wallMs: stored.wallMs,
  };
}

/** sweep.csv: a header (the factors, then MEASURES), one row per configuration. */
export function sweepCsv(spec: SweepSpec, rows: readonly SweepRow[]): string {
  const factors = Object.keys(spec.factors);
  return stringify([[...factors, ...MEASURES], ...rows.map((r) => [...factors.map((f) => r.levels[f]), ...MEASURES.map((m) => r[m])])]);
}

export interface Objective {
  readonly name: string;
  readonly better: 'higher' | 'lower';
  readonly value: (row: SweepRow) => number;
}

/** What "best" can mean; the sweep names a winner for each. */
export const OBJECTIVES: readonly Objective[] = [
  { name: 'highest block hit rate', better: 'higher', value: (r) => r.blockHitRate },
  { name: 'lowest TTFT p50', better: 'lower', value: (r) => r.ttftP50 },
  { name: 'lowest TTFT p99', better: 'lower', value: (r) => r.ttftP99 },
  { name: 'lowest e2e p99', better: 'lower', value: (r) => r.e2eP99 },
  { name: 'lowest load imbalance', better: 'lower', value: (r) => r.loadImbalance },
];

/** The first row (in sweep order) best on each objective; rows that did not complete every request never win. */
export function bestRows(rows: readonly SweepRow[]): { objective: string; key: string }[] {
  const eligible = rows.filter((r) => r.rejected === 0 && r.failed === 0);
  const pool = eligible.length > 0 ? eligible : rows;
  return OBJECTIVES.flatMap((o) => {
    const best = pool.reduce<SweepRow | undefined>((a, r) => (a === undefined || (o.better === 'higher' ? o.value(r) > o.value(a) : o.value(r) < o.value(a)) ? r : a), undefined);
    return best === undefined ? [] : [{ objective: o.name, key: best.key }];
  });
}

/** The keys of the rows no other row beats on both block hit rate and TTFT p99. */
export function paretoKeys(rows: readonly SweepRow[]): string[] {
  const points = rows.map((r) => ({ key: r.key, hit: r.blockHitRate, p99: r.ttftP99 }));
  return points.filter((p) => onParetoFront(p, points)).map((p) => p.key);
}

/** A row's levels as a reader names it: the varying factors' levels joined by " · " (all of them if none varies). */
export function rowLabel(row: Pick<SweepRow, 'levels'>, varying: readonly string[]): string {
  const names = varying.length > 0 ? varying : Object.keys(row.levels);
  return names.length === 0 ? 'the configuration' : names.map((n) => (n === 'strategy' ? String(row.levels[n]) : `${n}=${String(row.levels[n])}`)).join(' · ');
}

/** sweep.json: the factors, every row, the Pareto front and the best for each objective. */
export interface SweepDocument {
  readonly version: 1;
  readonly scenario: string;
  readonly args: SweepSpec['args'];
  readonly factors: SweepSpec['factors'];
  readonly rows: readonly SweepRow[];
  readonly paretoFront: readonly string[];
  readonly best: readonly { objective: string; key: string }[];
}

/** The merged document of a sweep's rows. */
export function sweepDocument(spec: SweepSpec, rows: readonly SweepRow[]): SweepDocument {
  return { version: 1, scenario: spec.scenario, args: spec.args, factors: spec.factors, rows, paretoFront: paretoKeys(rows), best: bestRows(rows) };
}

/** The rows as a Markdown table for the README: the factors, then hit rate, its share of the ideal, TTFT p50 / p99, e2e p99 and rejections. */
export function sweepMarkdown(spec: Pick<SweepSpec, 'factors'>, rows: readonly SweepRow[]): string {
  const factors = Object.keys(spec.factors);
  return [
    `| ${[...factors, 'hit (blocks)', '% of ideal', 'TTFT p50 ms', 'TTFT p99 ms', 'e2e p99 ms', 'rejected'].join(' | ')} |`,
    `|${factors.map(() => '---|').join('')}--:|--:|--:|--:|--:|--:|`,
    ...rows.map((r) => `| ${[...factors.map((f) => `\`${String(r.levels[f])}\``), percent(r.blockHitRate), percent(r.ofIdeal), compact(r.ttftP50), compact(r.ttftP99), compact(r.e2eP99), String(r.rejected)].join(' | ')} |`),
  ].join('\n');
}
