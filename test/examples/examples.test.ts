// The examples run as an app would run them (imports from 'stateful-cache-router', the package's
// self-reference), with small parameters, and what they print or return is checked against the
// cluster's own messages.

import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MetricsRecorder, createCluster, summarize, type Message } from 'stateful-cache-router';
import { gpt2Tokenizer, loadTokenSource } from 'stateful-cache-router/model';
import { boundedPrefix, main as customStrategy, runWith, workload } from '../../examples/custom-strategy.ts';
import { createGenerateServer, createGenerator, main as httpServer } from '../../examples/http-server.ts';
import { main as liveHitRate } from '../../examples/live-hit-rate.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('examples/http-server', () => {
  it('answers every POST /generate with text, a routing decision and virtual latencies', async () => {
    const { responses, workers, url } = await httpServer({ port: 0, requests: 5, workers: 3, log: false });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(responses).toHaveLength(5);
    expect(new Set(responses.map((r) => r.id)).size).toBe(5);
    const tokenizer = gpt2Tokenizer();
    for (const r of responses) {
      expect(r.tokens).toHaveLength(16); // the dummy never ends a sequence early
      expect(r.text.length).toBeGreaterThan(0);
      expect(r.text).toBe(tokenizer.decode(r.tokens));
      expect(Number.isInteger(r.worker) && r.worker >= 0 && r.worker < workers).toBe(true);
      expect(r.decision.rule).toMatch(/\S/);
      expect(r.decision.reason).toMatch(/\S/);
      expect(Number.isInteger(r.decision.predictedBlocks) && r.decision.predictedBlocks >= 0).toBe(true);
      expect(r.ttftMs).toBeGreaterThanOrEqual(0);
      expect(r.ttftMs).toBeLessThanOrEqual(r.e2eMs);
    }
    // The first request warms a cache with the shared system prompt; later ones find it there.
    expect(responses[0]!.cachedBlocks).toBe(0);
    expect(responses.slice(1).some((r) => r.cachedBlocks > 0)).toBe(true);
  });

  it('answers bad requests with 4xx and keeps serving', async () => {
    const tokens = await loadTokenSource('dummy');
    const cluster = createCluster({ workers: 2, tokens, clock: 'realtime', speed: 1000 });
    const server = createGenerateServer(createGenerator(cluster, tokens));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (body: string) => fetch(`${url}/generate`, { method: 'POST', body });
    try {
      expect((await fetch(`${url}/nowhere`)).status).toBe(404);
      expect((await fetch(`${url}/generate`)).status).toBe(405);
      expect((await post('not json')).status).toBe(400);
      expect((await post('{"prompt": ""}')).status).toBe(400);
      const zero = await post('{"prompt": "hi", "maxTokens": 0}');
      expect(zero.status).toBe(400);
      expect(((await zero.json()) as { error: string }).error).toContain('maxTokens');
      const ok = await post('{"prompt": "hello", "maxTokens": 3}');
      expect(ok.status).toBe(200);
      expect(((await ok.json()) as { tokens: number[] }).tokens).toHaveLength(3);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      cluster.stop();
    }
  });
});

describe('examples/custom-strategy', () => {
  /**
   * Replays a run's messages in the order the router saw them, rebuilding the requests in flight
   * per worker; returns the decisions that chose a worker with more than 2 × the mean in flight,
   * and checks that the strategy's own count (in its reason) agrees with the rebuilt one.
   */
  function overTheBound(messages: readonly Message[], workers: number, checkReason: boolean): { decisions: number; violations: number } {
    const inFlight = new Array<number>(workers).fill(0);
    const workerOf = new Map<string, number>();
    let decisions = 0;
    let violations = 0;
    for (const m of messages) {
      if (m.type === 'REQUEST.ROUTED') {
        const mean = inFlight.reduce((a, b) => a + b, 0) / workers;
        const chosen = m.decision.workerId;
        if (inFlight[chosen]! > 2 * mean) violations++;
        if (checkReason) expect(m.decision.reason).toContain(`, ${inFlight[chosen]} in flight ≤`);
        decisions++;
        inFlight[chosen]!++;
        workerOf.set(m.request.id, chosen);
      } else if (m.type === 'REQUEST.COMPLETED' || m.type === 'REQUEST.REJECTED' || m.type === 'REQUEST.FAILED') {
        const w = workerOf.get(m.requestId);
        if (w !== undefined) inFlight[w]!--;
        workerOf.delete(m.requestId);
      }
    }
    expect(inFlight.every((n) => n === 0)).toBe(true);
    return { decisions, violations };
  }

  // Two system prompts on four workers: the longest prefix alone would pile them onto two workers.
  const params = { workers: 4, groups: 2, promptsPerGroup: 16, capacity: 200, rate: 100 };

  it('decides by its own rules and never routes to a worker over 2 × the mean in flight', async () => {
    const { custom, roundRobin } = await customStrategy({ ...params, log: false });

    const rules = (messages: readonly Message[]) => new Set(messages.flatMap((m) => (m.type === 'REQUEST.ROUTED' ? [m.decision.rule] : [])));
    expect(rules(custom.messages)).toContain('bounded-prefix');
    for (const rule of rules(custom.messages)) expect(['bounded-prefix', 'bounded-least-loaded']).toContain(rule);
    expect([...rules(roundRobin.messages)]).toEqual(['round-robin']);

    expect(overTheBound(custom.messages, params.workers, true)).toEqual({ decisions: 32, violations: 0 });
    for (const { summary } of [custom, roundRobin]) expect(summary.requests).toMatchObject({ submitted: 32, completed: 32 });
    expect(roundRobin.summary.loadImbalance).toBe(1);
    expect(custom.summary.cache.hitRate).toBeGreaterThan(roundRobin.summary.cache.hitRate);
  });

  it('is tested on a workload where the bound matters: without it, the check fails', async () => {
    const requests = workload(params.groups, params.promptsPerGroup, params.rate);
    const loose = await runWith(boundedPrefix(1000), requests, params.workers, params.capacity);
    expect(overTheBound(loose.messages, params.workers, false).violations).toBeGreaterThan(0);
    expect(() => boundedPrefix(0.5)).toThrow(RangeError);
  });
});

describe('examples/live-hit-rate', () => {
  it('prints per-worker rates every N admissions, ending with the rates computed directly from the messages', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
    const workers = 3;
    const every = 7;
    const { rates, totals, messages } = await liveHitRate({ workers, sessions: 12, turns: 3, every, log: true });

    const admitted = messages.filter((m) => m.type === 'REQUEST.ADMITTED');
    const cached = new Array<number>(workers).fill(0);
    const queried = new Array<number>(workers).fill(0);
    for (const m of admitted) {
      cached[m.workerId]! += m.cachedBlocks;
      queried[m.workerId]! += m.cachedBlocks + m.computedBlocks;
    }
    expect(rates).toEqual(cached.map((c, w) => (queried[w] === 0 ? 0 : c / queried[w]!)));
    expect(totals.admissions).toBe(admitted.length); // the last, partial window counted too
    expect(rates.some((r) => r > 0)).toBe(true);

    // The same numbers as the metrics recorder's per-worker block hit rate.
    const recorder = new MetricsRecorder();
    for (const m of messages) recorder.observe(m);
    const summary = summarize(recorder, { workers: [0, 1, 2] });
    for (const [w, rate] of rates.entries()) expect(rate).toBeCloseTo(summary.workers[w]!.blockHitRate, 12);

    expect(printed).toHaveLength(Math.ceil(admitted.length / every));
    expect(printed.at(-1)).toContain(`${admitted.length} admissions`);
  });
});
