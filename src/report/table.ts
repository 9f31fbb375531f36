// The terminal summary: one row per strategy, the numbers a reader compares first. Plain text
// (box-drawing separators between column groups), at most 120 columns for strategy names of up to
// 14 characters, counts up to 99,999 and latencies under 100 s; the best value of each column is marked with `*`
// (and, in colour, bold green). A column is marked only when at least two runs have a value and
// they differ as printed. Latency groups switch from ms to s when their largest value is ≥ 100 s.

import type { Dist } from '../metrics/distribution.ts';

/** What the table reads of a run: a `ResultsRun`, or a `RunSummary` with its strategy name. */
export interface TableRun {
  readonly strategy: string;
  readonly requests: { readonly completed: number; readonly rejected: number };
  readonly cache: { readonly hitRate: number; readonly blockHitRate: number };
  /** The block hit rate as a fraction of the ideal bound's (results.json has it; a bare summary does not). */
  readonly ofIdeal?: { readonly blocks: number };
  readonly latency: { readonly ttft: Dist; readonly e2e: Dist };
  readonly hit: { readonly e2e: Dist };
  readonly miss: { readonly e2e: Dist };
  readonly loadImbalance: number;
  readonly workers: readonly { readonly preemptions: number }[];
}

export interface TableOptions {
  /** ANSI colour (bold headers, bold green best values); the caller decides (see `wantsColor`). */
  readonly color: boolean;
}

/** Which value of a column is best; `undefined` cells never are. */
type Better = 'higher' | 'lower';

interface Column {
  readonly header: string;
  readonly better: Better;
  /** The raw value, or undefined when the run has none (no completed HIT request, say). */
  readonly value: (run: TableRun) => number | undefined;
  readonly format: (value: number) => string;
}

interface Group {
  readonly title: string;
  readonly columns: readonly Column[];
}

const MARK = '*';
const BOLD = '\x1b[1m';
const BEST = '\x1b[1;32m';
const RESET = '\x1b[0m';

/** True when colour suits `stream`: a TTY, and NO_COLOR unset or empty (https://no-color.org). */
export function wantsColor(stream: { readonly isTTY?: boolean }, env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return stream.isTTY === true && (env['NO_COLOR'] ?? '') === '';
}

/** The summary table of `runs`, one row each in the given order, ending with a newline. */
export function formatTable(runs: readonly TableRun[], options: TableOptions): string {
  const groups = tableGroups(runs);
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${RESET}` : text);

  // cells[g][c][r]: the printed value of run r in column c of group g, its marker slot included.
  const cells = groups.map((g) => g.columns.map((c) => columnCells(c, runs)));
  const widths = groups.map((g, gi) =>
    g.columns.map((c, ci) => Math.max(c.header.length + 1, ...(cells[gi]?.[ci] ?? []).map((cell) => cell.text.length))),
  );
  const nameWidth = Math.max('strategy'.length, ...runs.map((r) => r.strategy.length));
  const groupWidth = (gi: number): number => {
    const w = widths[gi] ?? [];
    return w.reduce((sum, x) => sum + x, 0) + w.length - 1;
  };

  const titleLine = ['', ...groups.map((g, gi) => center(g.title, groupWidth(gi)))];
  const headerLine = [
    'strategy',
    ...groups.map((g, gi) => g.columns.map((c, ci) => `${c.header} `.padStart(widths[gi]?.[ci] ?? 0)).join(' ')),
  ];
  // The last column's marker slot is trimmed off every row, so the rule stops short of it.
  const rule = '─'.repeat(nameWidth + 1) + groups.map((_, gi) => `┼${'─'.repeat(groupWidth(gi) + (gi === groups.length - 1 ? 0 : 1))}`).join('');
  const rows = runs.map((run, r) => [
    run.strategy,
    ...groups.map((_, gi) =>
      (cells[gi] ?? [])
        .map((column, ci) => {
          const cell = column[r] ?? { text: '', best: false };
          const padded = cell.text.padStart(widths[gi]?.[ci] ?? 0);
          return cell.best ? paint(BEST, padded) : padded;
        })
        .join(' '),
    ),
  ]);

  // Every cell ends in its marker slot, so a group needs no space before the next separator.
  const join = (parts: readonly string[]): string => `${(parts[0] ?? '').padEnd(nameWidth)} ${parts.slice(1).map((p) => `│ ${p}`).join('')}`;
  const lines = [
    paint(BOLD, join(titleLine).trimEnd()),
    paint(BOLD, join(headerLine).trimEnd()),
    rule,
    ...rows.map((row) => join(row).trimEnd()),
    `${MARK} best in column; latencies of completed requests; hit rates over first admissions;`,
    `ideal: the block hit rate as a share of one unbounded cache's (the ideal bound)`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `text` centred in `width` columns (the extra space on the right). */
function center(text: string, width: number): string {
  const left = Math.max(0, Math.floor((width - text.length) / 2));
  return (' '.repeat(left) + text).padEnd(width);
}

interface Cell {
  readonly text: string;
  readonly best: boolean;
}

/** The printed cells of one column: each value with a marker slot (`*` on the best, else a space). */
function columnCells(column: Column, runs: readonly TableRun[]): Cell[] {
  const values = runs.map(column.value);
  const printed = values.map((v) => (v === undefined ? '–' : column.format(v)));
  const defined = values.flatMap((v, i) => (v === undefined ? [] : [{ v, text: printed[i] as string }]));
  let bestText: string | undefined;
  if (defined.length >= 2 && new Set(defined.map((d) => d.text)).size > 1) {
    const pick = column.better === 'higher' ? Math.max : Math.min;
    const best = pick(...defined.map((d) => d.v));
    bestText = defined.find((d) => d.v === best)?.text;
  }
  return printed.map((text, i) => {
    const best = values[i] !== undefined && text === bestText;
    return { text: `${text}${best ? MARK : ' '}`, best };
  });
}

/** The table's columns, with latency units chosen from the runs' largest values. */
function tableGroups(runs: readonly TableRun[]): readonly Group[] {
  const ttftUnit = latencyUnit(runs.flatMap((r) => [r.latency.ttft.p99]));
  const e2eUnit = latencyUnit(runs.flatMap((r) => [r.latency.e2e.p99, r.hit.e2e.p50, r.miss.e2e.p50]));
  const latency = (unit: Unit, pick: (run: TableRun) => Dist, p: 'p50' | 'p95' | 'p99', header: string = p): Column => ({
    header,
    better: 'lower',
    value: (run) => (pick(run).count === 0 ? undefined : pick(run)[p]),
    format: (v) => compact(v / unit.scale),
  });
  return [
    {
      title: 'requests',
      columns: [
        { header: 'done', better: 'higher', value: (r) => r.requests.completed, format: String },
        { header: 'rej', better: 'lower', value: (r) => r.requests.rejected, format: String },
      ],
    },
    {
      title: 'hit rate',
      columns: [
        { header: 'tokens', better: 'higher', value: (r) => r.cache.hitRate, format: percent },
        { header: 'blocks', better: 'higher', value: (r) => r.cache.blockHitRate, format: percent },
        { header: 'ideal', better: 'higher', value: (r) => r.ofIdeal?.blocks, format: percent },
      ],
    },
    {
      title: `TTFT ${ttftUnit.name}`,
      columns: (['p50', 'p99'] as const).map((p) => latency(ttftUnit, (r) => r.latency.ttft, p)),
    },
    {
      title: `e2e ${e2eUnit.name}`,
      columns: (['p50', 'p99'] as const).map((p) => latency(e2eUnit, (r) => r.latency.e2e, p)),
    },
    {
      title: `e2e p50 ${e2eUnit.name}`,
      columns: [latency(e2eUnit, (r) => r.hit.e2e, 'p50', 'HIT'), latency(e2eUnit, (r) => r.miss.e2e, 'p50', 'MISS')],
    },
    {
      title: 'workers',
      columns: [
        // 0 means nothing was routed: no balance to compare.
        { header: 'imbal', better: 'lower', value: (r) => (r.loadImbalance === 0 ? undefined : r.loadImbalance), format: (v) => v.toFixed(2) },
        { header: 'preempt', better: 'lower', value: (r) => r.workers.reduce((sum, w) => sum + w.preemptions, 0), format: String },
      ],
    },
  ];
}

interface Unit {
  readonly name: string;
  readonly scale: number;
}

/** ms while every value stays under 100 s (at most 5 characters), s beyond. */
function latencyUnit(values: readonly number[]): Unit {
  return Math.max(0, ...values) >= 100_000 ? { name: 's', scale: 1000 } : { name: 'ms', scale: 1 };
}

/** 3 significant figures at most, integers from 100 on: 7.25, 27.5, 1234. */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** A fraction as a percentage with one decimal: 0.63215 → 63.2%. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}
