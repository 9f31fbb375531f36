// Table cells shared by the pages: numbers right-aligned and the best of a column in bold, a share
// drawn as a bar beside its figure.

import { compact, percent } from '../table.ts';
import { escapeHtml } from './escape.ts';

/** A numeric column: its heading, how a value prints, and which way is better (none: never marked). */
export interface Column<Row> {
  readonly heading: string;
  readonly value: (row: Row) => number | null;
  readonly format: (value: number) => string;
  readonly better?: 'higher' | 'lower';
  /** Draw the value (a fraction) as a bar beside it. */
  readonly bar?: boolean;
}

/** Milliseconds, 3 significant figures (integers from 100 on); 0 as 0. */
export const ms = (value: number): string => (value === 0 ? '0' : compact(value));
export { percent };
export const count = (value: number): string => String(value);

/** Each row's cells for `columns`, the best of each column in bold; null prints as –. */
export function numericCells<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string[] {
  const bests = columns.map((c) => (c.better === undefined ? null : bestPrinted(rows.map(c.value), c.better, c.format)));
  return rows.map((row) =>
    columns
      .map((c, i) => {
        const value = c.value(row);
        if (value === null) return '<td>–</td>';
        const printed = c.format(value);
        const bar = c.bar === true ? `<span class="bar"><i style="width:${Math.round(Math.min(1, Math.max(0, value)) * 100)}%"></i></span>` : '';
        return `<td${printed === bests[i] ? ' class="best"' : ''}>${escapeHtml(printed)}${bar}</td>`;
      })
      .join(''),
  );
}

/** The header cells of `columns`. */
export function headingCells<Row>(columns: readonly Column<Row>[]): string {
  return columns.map((c) => `<th>${escapeHtml(c.heading)}</th>`).join('');
}

/** The column's best value as printed; null when the column is all one printed value. */
function bestPrinted(values: readonly (number | null)[], better: 'higher' | 'lower', format: (v: number) => string): string | null {
  const present = values.filter((v): v is number => v !== null);
  if (new Set(present.map(format)).size < 2) return null;
  return format(better === 'higher' ? Math.max(...present) : Math.min(...present));
}
