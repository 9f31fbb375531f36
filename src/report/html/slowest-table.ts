// The slowest requests of each run, with where they went and why: the strategy's rule and its
// reason with the numbers filled in, as requests.jsonl records them.

import type { RequestLine } from '../requests-jsonl.ts';
import { escapeHtml } from './escape.ts';
import { headingCells, ms, numericCells, type Column } from './tables.ts';

const TIMES: readonly Column<RequestLine>[] = [
  { heading: 'e2e ms', value: (r) => r.e2eMs, format: ms },
  { heading: 'TTFT ms', value: (r) => r.ttftMs, format: ms },
  { heading: 'arrival ms', value: (r) => r.arrivalMs, format: ms },
];

/** The table of `lines` (slowestRequests' order); a row per request. */
export function slowestTable(lines: readonly RequestLine[]): string {
  const cells = numericCells(lines, TIMES);
  const rows = lines.map((r, i) => {
    const first = i === 0 || lines[i - 1]!.strategy !== r.strategy ? ' class="first"' : '';
    const worker = r.servedBy !== null && r.servedBy !== r.worker ? `${r.worker ?? '–'} → ${r.servedBy}` : String(r.worker ?? '–');
    const blocks = `<td>${r.cachedBlocks ?? '–'} / ${r.promptBlocks}</td><td>${r.predicted ?? '–'}</td>`;
    return (
      `<tr data-strategy="${escapeHtml(r.strategy)}"${first}><td class="text name">${escapeHtml(r.strategy)}</td><td class="text">${escapeHtml(r.id)}</td>` +
      `${cells[i]}<td>${escapeHtml(worker)}</td><td>${r.attempts}</td>${blocks}` +
      `<td class="text rule">${escapeHtml(r.rule ?? '–')}</td><td class="reason">${escapeHtml(r.reason ?? '–')}</td></tr>`
    );
  });
  return `<div class="scroll"><table class="slowest"><thead><tr><th class="text">strategy</th><th class="text">request</th>${headingCells(TIMES)}<th>worker</th><th>attempts</th><th>cached / prompt blocks</th><th>predicted</th><th class="text">rule</th><th class="text">reason</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
