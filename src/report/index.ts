// stateful-cache-router/report: results.json, requests.jsonl, the terminal table, the plots
// (vega and resvg load when the first plot is drawn), report.html and the progress bar.

export { buildResults, writeResults, serializeResults } from './results.ts';
export type { Results, ResultsInput } from './results.ts';
export { requestsJsonl, writeRequestsJsonl } from './requests-jsonl.ts';
export { writePlots, PLOT_NAMES } from './plots.ts';
export { formatTable } from './table.ts';
export { createProgress } from './progress.ts';
export { runReportHtml, writeRunReport } from './html/run-report.ts';
export { REPORT_FILE } from './html/write-report.ts';
export type { RunReportInput, RunReportOptions } from './html/run-report.ts';
export { sweepReportHtml } from './html/sweep-report.ts';
export type { SweepReportInput, SweepReportRow } from './html/sweep-report.ts';
export { escapeHtml } from './html/escape.ts';
export { slowestRequests } from './slowest.ts';
export type { OccupancySeries, WorkerOccupancy } from '../metrics/occupancy.ts';
