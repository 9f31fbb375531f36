// The slowest requests of each run, read back from requests.jsonl's text: the lines already carry
// the routing rule and reason, and that text is what the main thread holds whether the runs ran
// here or on worker threads (the records stay where they were made).

import { requestLines, type RequestLine } from './requests-jsonl.ts';

/** Requests listed per strategy by default. */
export const SLOWEST_PER_STRATEGY = 5;

/** The `count` completed requests of each strategy with the longest e2e, longest first; ties keep submission order. Strategies in first-seen order. */
export function slowestRequests(jsonl: string, count: number = SLOWEST_PER_STRATEGY): RequestLine[] {
  const byStrategy = new Map<string, RequestLine[]>();
  for (const line of requestLines(jsonl)) {
    if (line.e2eMs === null) continue;
    let lines = byStrategy.get(line.strategy);
    if (lines === undefined) byStrategy.set(line.strategy, (lines = []));
    lines.push(line);
  }
  // Array.prototype.sort is stable: equal e2e keep their submission order.
  return [...byStrategy.values()].flatMap((lines) => lines.sort((a, b) => b.e2eMs! - a.e2eMs!).slice(0, count));
}
