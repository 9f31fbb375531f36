import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/actors/cluster.ts';
import { ClusterConfigError } from '../../src/actors/cluster-options.ts';
import { InvalidRequestError } from '../../src/actors/request-input.ts';
import type { Message } from '../../src/messages.ts';
import { MetricsRecorder } from '../../src/metrics/recorder.ts';
import { summarize } from '../../src/metrics/summary.ts';
import type { Strategy } from '../../src/routing/types.ts';
import { createDummyTokenSource } from '../../src/model/dummy.ts';
import type { TokenSource } from '../../src/model/token-source.ts';
import { kvEvents, ofType, perRequest, prompt, runCluster, sharedPrefixWorkload, withFollowUps } from './cluster-harness.ts';

describe('createCluster: the timing contract', () => {
  for (const decode of ['segments', 'steps'] as const) {
    it(`finishes a request alone at exactly 5 + 2.5 × blocks + 15 × tokens ms after it arrives (${decode})`, async () => {
      const { messages } = await runCluster({ workers: 2, decode }, [{ id: 'a', at: 100, prompt: prompt(100), maxTokens: 10 }]);
      expect(ofType(messages, 'REQUEST.COMPLETED')[0]?.at).toBe(100 + 5 + 2.5 * 7 + 15 * 10);
      expect(ofType(messages, 'REQUEST.TOKENS')[0]?.at).toBe(100 + 5 + 2.5 * 7 + 15);
    });

    it(`serves an identical request after it faster by exactly 2.5 ms × its cached blocks (${decode})`, async () => {
      const { messages } = await runCluster({ workers: 2, decode }, [
        { id: 'first', at: 0, prompt: prompt(100), maxTokens: 10 },
        { id: 'second', at: 1_000, prompt: prompt(100), maxTokens: 10 },
      ]);
      const [first, second] = ofType(messages, 'REQUEST.COMPLETED');
      const routed = ofType(messages, 'REQUEST.ROUTED');
      expect(routed[1]?.decision).toMatchObject({ workerId: routed[0]?.decision.workerId, predictedBlocks: 6 });
      expect(first!.at - 0 - (second!.at - 1_000)).toBe(2.5 * 6);
    });
  }
});

describe('createCluster: step by step and segmented runs agree', () => {
  for (const [name, options] of [
    ['a roomy cache', { workers: 3, capacity: 400 }],
    ['a small cache that evicts and preempts', { workers: 3, capacity: 24 }],
    ['stale KV events (delivered 40 ms late)', { workers: 3, capacity: 40, delays: { 'KV.STORED': 40, 'KV.REMOVED': 40 } }],
    ['the roofline model', { workers: 3, capacity: 400, latency: 'roofline' }],
    ['the roofline model, a small cache and prompts prefilled in 24-token chunks', { workers: 3, capacity: 24, latency: 'roofline', maxBatchedTokens: 24 }],
  ] as const) {
    it(`gives identical per-request times, tokens and KV events with ${name}`, async () => {
      const workload = withFollowUps(sharedPrefixWorkload(120, 11), 3);
      const segmented = await runCluster({ ...options, decode: 'segments', seed: 3 }, workload);
      const stepped = await runCluster({ ...options, decode: 'steps', seed: 3 }, workload);
      expect(perRequest(segmented.messages)).toEqual(perRequest(stepped.messages));
      expect(kvEvents(segmented.messages)).toEqual(kvEvents(stepped.messages));
      // The comparison means something only if the run exercised what it is about.
      expect(ofType(stepped.messages, 'REQUEST.COMPLETED')).toHaveLength(workload.length);
      const followUps = Object.entries(perRequest(stepped.messages)).filter(([id]) => id.endsWith('-next'));
      expect(followUps.some(([, r]) => (r.predicted ?? 0) > 5), 'a follow-up was routed by blocks its first turn generated').toBe(true);
      if (options.capacity === 24) {
        expect(ofType(stepped.messages, 'REQUEST.PREEMPTED').length).toBeGreaterThan(0);
        expect(ofType(stepped.messages, 'KV.REMOVED').length).toBeGreaterThan(0);
      }
    });
  }
});

describe('createCluster: batching and preemption', () => {
  it('decodes two requests on one worker in one batch', async () => {
    const { messages } = await runCluster({ workers: 1 }, [
      { id: 'a', at: 0, prompt: prompt(32, 1), maxTokens: 4 },
      { id: 'b', at: 0, prompt: prompt(32, 2), maxTokens: 4 },
    ]);
    const times = perRequest(messages);
    expect(times['a']!.tokens.map(([, at]) => at)).toEqual(times['b']!.tokens.map(([, at]) => at));
    expect(times['a']!.completed).toBe(5 + 2.5 * 4 + 15 * 4);
  });

  it('preempts when a worker’s cache is full and still completes every request', async () => {
    const workload = sharedPrefixWorkload(60, 5, 200);
    const { messages, cluster } = await runCluster({ workers: 2, capacity: 20 }, workload);
    expect(ofType(messages, 'REQUEST.PREEMPTED').length).toBeGreaterThan(0);
    expect(ofType(messages, 'REQUEST.COMPLETED')).toHaveLength(60);
    for (const w of cluster.snapshot().workers) expect(w.usage.used, `worker ${w.id}`).toBe(0);
  });
});

describe('createCluster: the router', () => {
  it('delivers KV events to the router after the configured delay', async () => {
    const options = { workers: 2, strategy: 'longest-prefix' as const };
    const submissions = [
      { id: 'a', at: 0, prompt: prompt(64), maxTokens: 100 },
      { id: 'b', at: 10, prompt: prompt(64), maxTokens: 5 },
      { id: 'c', at: 60, prompt: prompt(64), maxTokens: 5 },
    ];
    const prompt0 = (await runCluster(options, submissions)).messages;
    const late = (await runCluster({ ...options, delays: { 'KV.STORED': 50 } }, submissions)).messages;
    const decisions = (ms: typeof late) => ofType(ms, 'REQUEST.ROUTED').map((m) => [m.request.id, m.decision.workerId, m.decision.predictedBlocks]);
    expect(decisions(prompt0)).toEqual([['a', 0, 0], ['b', 0, 4], ['c', 0, 4]]);
    // At 10 ms the router has not heard of a's blocks yet: a tie, to the worker with fewer in flight.
    expect(decisions(late)).toEqual([['a', 0, 0], ['b', 1, 0], ['c', 0, 4]]);
  });

  it('predicts evicted blocks in the approx view, and not in the events view', async () => {
    const submissions = [
      { id: 'a', at: 0, prompt: prompt(64, 1), maxTokens: 1 },
      { id: 'filler', at: 100, prompt: prompt(16 * 9, 2), maxTokens: 1 }, // evicts a's blocks (capacity 10)
      { id: 'a-again', at: 200, prompt: prompt(64, 1), maxTokens: 1 },
    ];
    for (const [view, predicted] of [['approx', 4], ['events', 0]] as const) {
      const { messages } = await runCluster({ workers: 1, capacity: 10, view }, submissions);
      const routed = ofType(messages, 'REQUEST.ROUTED').find((m) => m.request.id === 'a-again')!;
      const admitted = ofType(messages, 'REQUEST.ADMITTED').find((m) => m.requestId === 'a-again')!;
      expect(admitted.cachedBlocks, view).toBe(0);
      expect(routed.decision.predictedBlocks, view).toBe(predicted);
    }
  });

  it('spreads requests that all share a first block with cache-aware, and piles them up with longest-prefix', async () => {
    const shared = prompt(16, 9);
    const submissions = Array.from({ length: 40 }, (_, i) => ({ id: `s${i}`, at: i * 20, prompt: [...shared, ...prompt(200, i + 20)], maxTokens: 100 }));
    const perWorker = async (strategy: 'cache-aware' | 'longest-prefix') => {
      const { messages } = await runCluster({ workers: 4, strategy }, submissions);
      const counts = [0, 0, 0, 0];
      for (const m of ofType(messages, 'REQUEST.ROUTED')) counts[m.decision.workerId]!++;
      return counts;
    };
    expect(await perWorker('longest-prefix')).toEqual([40, 0, 0, 0]);
    expect(Math.max(...(await perWorker('cache-aware')))).toBeLessThanOrEqual(12);
  });

  it('cycles through the workers with round-robin', async () => {
    const submissions = Array.from({ length: 8 }, (_, i) => ({ id: `r${i}`, at: i, prompt: prompt(40, i), maxTokens: 3 }));
    const { messages } = await runCluster({ workers: 3, strategy: 'round-robin' }, submissions);
    expect(ofType(messages, 'REQUEST.ROUTED').map((m) => m.decision.workerId)).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
  });

  it('takes a custom strategy function, and records its rule and reason', async () => {
    const lastWorker: Strategy = (_request, context) => ({ workerId: context.workers.length - 1, rule: 'last', reason: 'always the last worker' });
    const { messages } = await runCluster({ workers: 3, strategy: lastWorker }, [{ id: 'x', at: 0, prompt: prompt(20), maxTokens: 2 }]);
    expect(ofType(messages, 'REQUEST.ROUTED')[0]?.decision).toEqual({ workerId: 2, rule: 'last', reason: 'always the last worker', predictedBlocks: 0 });
  });

  it('rejects a request whose custom strategy picks a worker that does not exist, with a clear reason, and runs on', async () => {
    const bad: Strategy = () => ({ workerId: 7, rule: 'bad', reason: '' });
    const cluster = createCluster({ workers: 2, strategy: bad });
    const rejected: string[] = [];
    cluster.events$.subscribe((m) => m.type === 'REQUEST.REJECTED' && rejected.push(`${m.code}: ${m.reason}`));
    cluster.submit({ prompt: prompt(20), maxTokens: 2 });
    await cluster.run();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(/^strategy-error: the strategy failed: strategy chose worker 7 .*worker ids are integers 0\.\.1/);
  });
});

describe('createCluster: accounting and determinism', () => {
  it('accounts for every request: submitted = completed + rejected + failed', async () => {
    const workload = [
      ...sharedPrefixWorkload(50, 2),
      { id: 'too-big', at: 5, prompt: prompt(16 * 40, 3), maxTokens: 5 },
      { id: 'too-long', at: 6, prompt: prompt(40, 4), maxTokens: 16 * 40 },
    ];
    const recorder = new MetricsRecorder();
    const cluster = createCluster({ workers: 2, capacity: 32 });
    recorder.attach(cluster.events$);
    for (const s of workload) cluster.submit({ id: s.id, prompt: s.prompt, maxTokens: s.maxTokens }, s.at);
    await cluster.run();
    const a = recorder.accounting();
    expect(a).toMatchObject({ submitted: 52, completed: 50, rejected: 2, failed: 0, pending: 0, duplicates: 0 });
    expect(a.completed + a.rejected + a.failed).toBe(a.submitted);
  });

  it('gives identical summaries for two runs with one seed', async () => {
    const summary = async () => {
      const recorder = new MetricsRecorder();
      const cluster = createCluster({ workers: 3, capacity: 60, seed: 42 });
      recorder.attach(cluster.events$);
      for (const s of sharedPrefixWorkload(100, 8)) cluster.submit({ id: s.id, prompt: s.prompt, maxTokens: s.maxTokens }, s.at);
      await cluster.run();
      return JSON.stringify(summarize(recorder));
    };
    expect(await summary()).toBe(await summary());
  });

  it('keeps the timing contract exactly in real-time mode', async () => {
    const { messages, cluster } = await runCluster({ workers: 1, clock: 'realtime', speed: 20 }, [{ id: 'a', at: 0, prompt: prompt(100), maxTokens: 10 }]);
    expect(ofType(messages, 'REQUEST.COMPLETED')[0]?.at).toBe(5 + 2.5 * 7 + 15 * 10);
    cluster.stop();
  });

  it('gives the same virtual times in real-time mode as in virtual mode', async () => {
    const submissions = [
      { id: 'a', at: 0, prompt: prompt(40, 1), maxTokens: 3 },
      { id: 'b', at: 0, prompt: prompt(40, 1), maxTokens: 2 },
    ];
    const virtual = await runCluster({ workers: 2 }, submissions);
    const realtime = await runCluster({ workers: 2, clock: 'realtime', speed: 50 }, submissions);
    expect(perRequest(realtime.messages)).toEqual(perRequest(virtual.messages));
    realtime.cluster.stop();
  });
});

describe('createCluster: bad input', () => {
  it('lists every invalid option at once', () => {
    const bad = { workers: 0, capacity: -3, strategy: 'fastest', view: 'psychic', latency: { decodeStepMs: 0 }, colour: 'red' };
    expect(() => createCluster(bad as never)).toThrow(ClusterConfigError);
    try {
      createCluster(bad as never);
    } catch (error) {
      const problems = (error as ClusterConfigError).problems.join('\n');
      for (const field of ['workers', 'capacity', 'strategy', 'view', 'latency.decodeStepMs', 'colour']) expect(problems).toContain(field);
      expect(problems).toContain('cache-aware, longest-prefix, round-robin, least-loaded');
    }
  });

  it('rejects a malformed request at submission, naming the field', () => {
    const cluster = createCluster({ workers: 1 });
    expect(() => cluster.submit({ prompt: [], maxTokens: 3 })).toThrow(InvalidRequestError);
    expect(() => cluster.submit({ id: 'x', prompt: [1, -2], maxTokens: 3 })).toThrow("request 'x': prompt[1]: -2 is not a token id");
    expect(() => cluster.submit({ id: 'y', prompt: [1], maxTokens: 0 })).toThrow('maxTokens: 0 is not a positive integer');
    cluster.submit({ id: 'z', prompt: [1], maxTokens: 1 });
    expect(() => cluster.submit({ id: 'z', prompt: [1], maxTokens: 1 })).toThrow("request id 'z' was already submitted");
  });

  it('makes a lazy prompt when its request arrives, and runs it as the same prompt given up front', async () => {
    const made: number[] = [];
    const lazy = (at: number) => () => {
      made.push(at);
      return prompt(100);
    };
    const eager = await runCluster({ workers: 2 }, [100, 300].map((at) => ({ id: `r${at}`, at, prompt: prompt(100), maxTokens: 5 })));
    const cluster = createCluster({ workers: 2 });
    const seen: number[] = [];
    cluster.events$.subscribe((m) => {
      if (m.type === 'REQUEST.SUBMITTED') seen.push(made.length);
    });
    const messages: Message[] = [];
    cluster.events$.subscribe((m) => messages.push(m));
    for (const at of [100, 300]) cluster.submit({ id: `r${at}`, prompt: lazy(at), maxTokens: 5 }, at);
    expect(made).toEqual([]); // nothing made at submission
    await cluster.run();
    expect(made).toEqual([100, 300]);
    expect(seen).toEqual([1, 2]); // each made just before its arrival
    expect(perRequest(messages)).toEqual(perRequest(eager.messages));
  });

  it('fails the run when a lazy prompt turns out malformed, naming the request and the token', async () => {
    const cluster = createCluster({ workers: 1 });
    cluster.submit({ id: 'late', prompt: () => [1, 2, -7], maxTokens: 3 }, 50);
    await expect(cluster.run()).rejects.toThrow("request 'late': prompt[2]: -7 is not a token id");
    const throwing = createCluster({ workers: 1 });
    throwing.submit({ id: 'boom', prompt: () => { throw new Error('no such block'); }, maxTokens: 3 });
    await expect(throwing.run()).rejects.toThrow("request 'boom': its prompt function threw: no such block");
  });
});

describe('createCluster: asynchronous token sources', () => {
  /** The seeded dummy, answering after a real macrotask, as a model does. */
  const asyncDummy = (seed: number, eosProbability = 0): TokenSource => {
    const inner = createDummyTokenSource({ seed, eosProbability });
    return {
      name: 'async-dummy',
      eosTokenId: inner.eosTokenId,
      next: (batch) => new Promise((resolve) => setImmediate(() => resolve(inner.next(batch) as readonly number[]))),
    };
  };

  it('gives the same virtual times and tokens as a synchronous source: model time never shows', async () => {
    const workload = sharedPrefixWorkload(40, 21);
    for (const eosProbability of [0, 0.05]) {
      const sync = await runCluster({ workers: 2, capacity: 30, tokens: createDummyTokenSource({ seed: 5, eosProbability }) }, workload);
      const async = await runCluster({ workers: 2, capacity: 30, tokens: asyncDummy(5, eosProbability) }, workload);
      expect(perRequest(async.messages), `eos ${eosProbability}`).toEqual(perRequest(sync.messages));
      expect(kvEvents(async.messages)).toEqual(kvEvents(sync.messages));
    }
  });

  it('shows the worker in a `generating` state while the model computes', async () => {
    const cluster = createCluster({ workers: 1, tokens: asyncDummy(1) });
    const states = new Set<string>();
    cluster.actors.workers[0]!.subscribe((snapshot) => states.add(String(snapshot.value)));
    cluster.submit({ prompt: prompt(20), maxTokens: 5 });
    await cluster.run();
    expect([...states]).toEqual(expect.arrayContaining(['prefill', 'decode', 'generating', 'idle']));
  });

  it('fails the running requests with the source’s error when it throws, and loses none', async () => {
    let calls = 0;
    const flaky: TokenSource = {
      name: 'flaky',
      eosTokenId: null,
      next: (batch) => (++calls > 3 ? Promise.reject(new Error('out of memory')) : Promise.resolve(batch.map(() => 7))),
    };
    const recorder = new MetricsRecorder();
    const cluster = createCluster({ workers: 1, tokens: flaky });
    recorder.attach(cluster.events$);
    cluster.submit({ id: 'a', prompt: prompt(20), maxTokens: 50 });
    cluster.submit({ id: 'b', prompt: prompt(20, 1), maxTokens: 50 }, 1_000);
    await cluster.run();
    expect(recorder.accounting()).toMatchObject({ submitted: 2, completed: 0, failed: 2, pending: 0 });
    expect(recorder.record('a')?.failed?.reason).toBe("token source 'flaky' failed: out of memory");
  });
});
