// stateful-cache-router/report: results.json, requests.jsonl, the terminal table, the plots
// (vega and resvg load when the first plot is drawn) and the progress bar.

export { buildResults, writeResults, serializeResults } from './results.ts';
export type { Results, ResultsInput } from './results.ts';
export { requestsJsonl, writeRequestsJsonl } from './requests-jsonl.ts';
export { writePlots, PLOT_NAMES } from './plots.ts';
export { formatTable } from './table.ts';
export { createProgress } from './progress.ts';
