// Preemption as vLLM's scheduler does it: a step that preempts admits nothing (the preempted
// request waits at least one decode step), and the cache hit rates count each request's first
// admission only, a re-admission finding its own blocks apart.

import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/actors/cluster.ts';
import { MetricsRecorder } from '../../src/metrics/recorder.ts';
import { summarize } from '../../src/metrics/summary.ts';
import type { Message } from '../../src/messages.ts';

/** Two requests with nothing in common on one worker of `capacity` blocks, each growing to `prompt + output` tokens. */
async function twoGrowing(capacity: number, prompt: number, output: number, decode: 'segments' | 'steps' = 'segments') {
  const cluster = createCluster({ workers: 1, capacity, seed: 1, decode });
  const recorder = new MetricsRecorder();
  recorder.attach(cluster.events$);
  const messages: Message[] = [];
  cluster.events$.subscribe((m) => messages.push(m));
  for (const [id, base] of [['a', 0], ['b', 500]] as const) {
    cluster.submit({ id, prompt: Array.from({ length: prompt }, (_, i) => base + i), maxTokens: output, ignoreEos: true }, 0);
  }
  await cluster.run();
  return { summary: summarize(recorder), messages };
}

describe('preemption', () => {
  it('does not re-admit a preempted request in the step that preempted it (two requests in a 7-block cache took turns 17 times before)', async () => {
    const counts: number[] = [];
    for (const decode of ['segments', 'steps'] as const) {
      const { summary, messages } = await twoGrowing(7, 40, 60, decode);
      expect(summary.requests.completed, decode).toBe(2);
      const preempted = messages.filter((m) => m.type === 'REQUEST.PREEMPTED');
      counts.push(preempted.length);
      for (const p of preempted) {
        const again = messages.find((m) => m.type === 'REQUEST.ADMITTED' && m.requestId === p.requestId && m.at >= p.at)!;
        expect(again.at - p.at, `${decode}: re-admitted one decode step later at the earliest`).toBeGreaterThanOrEqual(15);
      }
    }
    expect(counts[0], 'segments and steps agree').toBe(counts[1]);
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[0]).toBeLessThan(17);
  });

  it('never admits anything at the instant of a preemption while sequences still run, however the requests contend', async () => {
    for (const [capacity, prompt, output] of [[7, 40, 60], [7, 20, 80], [6, 30, 50], [9, 24, 120]] as const) {
      const { messages } = await twoGrowing(capacity, prompt, output);
      const preemptedAt = new Set(messages.filter((m) => m.type === 'REQUEST.PREEMPTED').map((m) => m.at));
      expect(preemptedAt.size, `${capacity} blocks`).toBeGreaterThan(0);
      const admittedThen = messages.filter((m) => m.type === 'REQUEST.ADMITTED' && preemptedAt.has(m.at));
      expect(admittedThen, `${capacity} blocks, ${prompt} + ${output} tokens`).toEqual([]);
    }
  });

  it('counts hit rates over first admissions: requests sharing no block hit nothing, however often they are preempted', async () => {
    const { summary } = await twoGrowing(6, 30, 50);
    expect(summary.workers[0]!.preemptions).toBeGreaterThan(0);
    expect(summary.cache.blockHitRate).toBe(0);
    expect(summary.cache.readmissions.count).toBe(summary.workers[0]!.preemptions);
    expect(summary.cache.readmissions.hitBlocks, 'the re-admission found its own blocks').toBeGreaterThan(0);
  });
});
