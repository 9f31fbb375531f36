// Runs built by hand for the report specifications: bus messages (the metrics factories) fed to a
// MetricsRecorder, then summarised, exactly as a scenario would. Three strategies on one
// 24-request workload, each with its own placement and hit pattern, a rejection, a preemption and
// a few evictions, so that every column of the table and every plot has something to show.

import type { Message, WorkerId } from '../../src/messages.ts';
import type { IdealSummary } from '../../src/metrics/ideal-reuse.ts';
import type { RequestRecord } from '../../src/metrics/request-record.ts';
import { summarize } from '../../src/metrics/summary.ts';
import type { ResultsInput, RunInput } from '../../src/report/results.ts';
import { kvRemoved, preempted, recorderOf, rejected, served, submitted, workerUp } from '../metrics/factories.ts';

export const WORKERS: readonly WorkerId[] = [0, 1, 2, 3];
export const STRATEGIES = ['cache-aware', 'round-robin', 'least-loaded'] as const;
export const REQUESTS = 24;

/** How a strategy places request i and how many of its 8 prompt blocks it then finds cached. */
const PLANS: Record<(typeof STRATEGIES)[number], (i: number) => { worker: WorkerId; cached: number }> = {
  'cache-aware': (i) => ({ worker: i % 3 === 0 ? 0 : i % 2, cached: i < 4 ? 0 : 6 }),
  'round-robin': (i) => ({ worker: i % 4, cached: i < 8 ? 0 : 2 }),
  'least-loaded': (i) => ({ worker: (i * 3) % 4, cached: i % 3 === 0 ? 0 : 1 }),
};

/** The messages of one strategy's run: 24 served requests 40 ms apart, one rejection, one preemption, evictions. */
export function runMessages(strategy: (typeof STRATEGIES)[number]): Message[] {
  const messages: Message[] = WORKERS.map((w) => workerUp(w, 0));
  for (let i = 0; i < REQUESTS; i++) {
    const { worker, cached } = PLANS[strategy](i);
    messages.push(...served(`r${i}`, { worker, at: 40 * i, cached, computed: 8 - cached, queueMs: i % 5, outputTokens: 3 + (i % 4) }));
  }
  messages.push(submitted('big', 100, 20_000), rejected('big', 100));
  messages.push(preempted('r5', 210, PLANS[strategy](5).worker));
  messages.push(kvRemoved(1, 500, strategy === 'cache-aware' ? 2 : 7));
  return messages;
}

/** The stream's ideal bound, as IdealReuse would give it: 160 of the 24 × 8 prompt blocks could hit. */
export const IDEAL: IdealSummary = { hitBlocks: 160, promptBlocks: 192, blockHitRate: 160 / 192, hitTokens: 2560, promptTokens: 3072, hitRate: 2560 / 3072 };

/** One strategy's run, as a scenario hands it to buildResults. */
export function runInput(strategy: (typeof STRATEGIES)[number], wallMs = 100): RunInput & { readonly records: readonly RequestRecord[] } {
  const recorder = recorderOf(runMessages(strategy));
  return { strategy, summary: summarize(recorder, { workers: WORKERS }), records: [...recorder.records()], wallMs, ideal: IDEAL };
}

/** The three runs with a config; wall times can be varied. */
export function sampleInput(wallMs: readonly number[] = [120, 80, 95]): ResultsInput {
  return {
    scenario: 'rag',
    seed: 42,
    config: { workers: 4, blocksPerWorker: 924, workload: { requests: REQUESTS, docs: 16, zipf: 1.1 }, view: 'events' },
    runs: STRATEGIES.map((s, i) => runInput(s, wallMs[i] ?? 100)),
    timeline: { windows: 10 },
  };
}
