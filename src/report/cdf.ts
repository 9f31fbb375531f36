// Latency distributions as 101 quantiles (0 %, 1 %, ..., 100 %): enough to draw an ECDF and to
// read any percentile, and the same size for 10 requests or 10⁶. The quantile definition is the
// project's one (simple-statistics `quantileSorted`, R type 7; see src/metrics/distribution.ts).

import { quantileSorted } from 'simple-statistics';
import type { RequestRecord } from '../metrics/request-record.ts';
import { e2eMs, ttftMs } from '../metrics/request-record.ts';
import type { LatencyCdf } from './results-schema.ts';

export type { LatencyCdf } from './results-schema.ts';

/** Quantiles of `values` at 0, 1/steps, ..., 1 (steps + 1 of them); [] when there are none. Sorts in place. */
export function quantiles(values: number[], steps = 100): number[] {
  if (values.length === 0) return [];
  values.sort((a, b) => a - b);
  return Array.from({ length: steps + 1 }, (_, i) => quantileSorted(values, i / steps));
}

/** TTFT and e2e quantiles over the completed requests among `records` (the same set as RunSummary.latency). */
export function latencyCdf(records: Iterable<RequestRecord>): LatencyCdf {
  const ttft: number[] = [];
  const e2e: number[] = [];
  for (const r of records) {
    const total = e2eMs(r);
    if (r.state !== 'completed' || total === undefined) continue;
    e2e.push(total);
    const first = ttftMs(r);
    if (first !== undefined) ttft.push(first);
  }
  return { ttft: quantiles(ttft), e2e: quantiles(e2e) };
}
