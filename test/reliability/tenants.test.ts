// Tenant isolation, end to end (issue 8): requests of different tenants never share a cached block,
// on a worker or in the router's belief of what a worker holds; an adapter separates blocks too.

import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/actors/cluster.ts';
import type { ClusterOptions } from '../../src/actors/cluster-options.ts';
import type { Message } from '../../src/messages.ts';
import { MetricsRecorder } from '../../src/metrics/recorder.ts';

/** A prompt of `n` tokens; equal seeds give equal prompts. */
const prompt = (n: number, seed = 0): number[] => Array.from({ length: n }, (_, i) => (i * 7919 + seed * 104729 + 13) % 50257);

// 100 tokens: 6 full blocks of 16 and a partial tail (never cached); 4 output tokens keep the
// 7th block partial, so each distinct copy of the prompt leaves exactly 6 cached blocks.
const PROMPT = prompt(100);
const FULL_BLOCKS = 6;

interface Submission {
  readonly id: string;
  readonly at: number;
  readonly tenant?: string;
  readonly adapter?: string;
  readonly tokens?: readonly number[];
}

interface Outcome {
  readonly worker: number;
  readonly predicted: number;
  /** Cached blocks at the first admission. */
  readonly cached: number;
}

/** Runs `submissions` (PROMPT unless given, 4 output tokens each) and returns what happened to each. */
async function run(options: ClusterOptions, submissions: readonly Submission[]): Promise<{ cluster: Cluster; outcomes: Record<string, Outcome>; recorder: MetricsRecorder }> {
  const cluster = createCluster(options);
  const recorder = new MetricsRecorder({ strict: true });
  recorder.attach(cluster.events$);
  const messages: Message[] = [];
  cluster.events$.subscribe((m) => messages.push(m));
  for (const s of submissions) {
    cluster.submit(
      {
        id: s.id,
        prompt: s.tokens ?? PROMPT,
        maxTokens: 4,
        ...(s.tenant === undefined ? {} : { tenant: s.tenant }),
        ...(s.adapter === undefined ? {} : { adapter: s.adapter }),
      },
      s.at,
    );
  }
  await cluster.run();
  const outcomes: Record<string, Outcome> = {};
  for (const s of submissions) {
    const routed = messages.find((m) => m.type === 'REQUEST.ROUTED' && m.request.id === s.id);
    const admitted = messages.find((m) => m.type === 'REQUEST.ADMITTED' && m.requestId === s.id);
    if (routed?.type !== 'REQUEST.ROUTED' || admitted?.type !== 'REQUEST.ADMITTED') throw new Error(`request ${s.id} was not routed and admitted`);
    outcomes[s.id] = {
      worker: routed.decision.workerId,
      predicted: routed.decision.predictedBlocks,
      cached: admitted.cachedBlocks,
    };
  }
  expect(recorder.accounting()).toMatchObject({ submitted: submissions.length, completed: submissions.length, pending: 0 });
  return { cluster, outcomes, recorder };
}

describe('tenants on one worker (routing cannot separate them)', () => {
  it('two tenants with the identical prompt never share a cached block; the pool holds both copies', async () => {
    const { cluster, outcomes } = await run({ workers: 1 }, [
      { id: 'acme-1', at: 0, tenant: 'acme' },
      { id: 'globex-1', at: 1_000, tenant: 'globex' },
    ]);
    expect(outcomes['acme-1']!.cached).toBe(0);
    expect(outcomes['globex-1']!.cached, "globex finds nothing of acme's").toBe(0);
    const usage = cluster.snapshot().workers[0]!.usage;
    expect(usage.cached, 'two private copies of the 6 full blocks').toBe(2 * FULL_BLOCKS);
    expect(usage.used).toBe(0);
  });

  it("the same tenant's repeat hits every full block, and adds no copy", async () => {
    const { cluster, outcomes, recorder } = await run({ workers: 1 }, [
      { id: 'acme-1', at: 0, tenant: 'acme' },
      { id: 'globex-1', at: 1_000, tenant: 'globex' },
      { id: 'acme-2', at: 2_000, tenant: 'acme' },
      { id: 'globex-2', at: 3_000, tenant: 'globex' },
    ]);
    expect(Object.fromEntries(Object.entries(outcomes).map(([id, o]) => [id, o.cached]))).toEqual({
      'acme-1': 0,
      'globex-1': 0,
      'acme-2': FULL_BLOCKS,
      'globex-2': FULL_BLOCKS,
    });
    expect(cluster.snapshot().workers[0]!.usage.cached).toBe(2 * FULL_BLOCKS);
    expect(recorder.record('acme-2')?.computedBlocks, 'only the partial tail is computed').toBe(1);
  });

  it('a request without a tenant shares nothing with a tenant’s, and vice versa', async () => {
    const { cluster, outcomes } = await run({ workers: 1 }, [
      { id: 'none-1', at: 0 },
      { id: 'acme-1', at: 1_000, tenant: 'acme' },
      { id: 'none-2', at: 2_000 },
    ]);
    expect([outcomes['none-1']!.cached, outcomes['acme-1']!.cached, outcomes['none-2']!.cached]).toEqual([0, 0, FULL_BLOCKS]);
    expect(cluster.snapshot().workers[0]!.usage.cached).toBe(2 * FULL_BLOCKS);
  });

  it("a prompt that is a prefix of another tenant's finds none of it; the same tenant's finds all of it", async () => {
    // The tenant salts block 0, and every later hash chains from it.
    const { outcomes } = await run({ workers: 1 }, [
      { id: 'acme-long', at: 0, tenant: 'acme', tokens: prompt(16 * 20 + 3) },
      { id: 'globex-prefix', at: 1_000, tenant: 'globex', tokens: prompt(16 * 20 + 3).slice(0, 16 * 10 + 5) },
      { id: 'acme-prefix', at: 2_000, tenant: 'acme', tokens: prompt(16 * 20 + 3).slice(0, 16 * 10 + 5) },
    ]);
    expect(outcomes['globex-prefix']!.cached).toBe(0);
    expect(outcomes['acme-prefix']!.cached).toBe(10);
  });
});

describe('tenants across several workers: the router never matches another tenant’s blocks', () => {
  for (const strategy of ['cache-aware', 'longest-prefix'] as const) {
    for (const view of ['events', 'approx'] as const) {
      it(`${strategy}, ${view} view: predictedBlocks 0 for the other tenant, and every block for the same one`, async () => {
        const { outcomes } = await run({ workers: 4, strategy, view }, [
          { id: 'acme-1', at: 0, tenant: 'acme' },
          { id: 'globex-1', at: 1_000, tenant: 'globex' },
          { id: 'acme-2', at: 2_000, tenant: 'acme' },
          { id: 'globex-2', at: 3_000, tenant: 'globex' },
        ]);
        const acme1 = outcomes['acme-1']!;
        const globex1 = outcomes['globex-1']!;
        expect(globex1.predicted, "acme's blocks are no match for globex").toBe(0);
        expect(globex1.cached).toBe(0);
        // The same check means something: the router does match a tenant's own blocks.
        expect(outcomes['acme-2']).toMatchObject({ worker: acme1.worker, predicted: FULL_BLOCKS, cached: FULL_BLOCKS });
        expect(outcomes['globex-2']).toMatchObject({ worker: globex1.worker, predicted: FULL_BLOCKS, cached: FULL_BLOCKS });
      });
    }
  }

  it('with many tenants sharing one prompt, each tenant hits only its own first copy', async () => {
    const tenants = ['t0', 't1', 't2', 't3', 't4', 't5'];
    const submissions: Submission[] = [
      ...tenants.map((tenant, i) => ({ id: `${tenant}-1`, at: i * 500, tenant })),
      ...tenants.map((tenant, i) => ({ id: `${tenant}-2`, at: 10_000 + i * 500, tenant })),
    ];
    const { cluster, outcomes } = await run({ workers: 3, strategy: 'cache-aware' }, submissions);
    for (const tenant of tenants) {
      expect(outcomes[`${tenant}-1`], tenant).toMatchObject({ predicted: 0, cached: 0 });
      expect(outcomes[`${tenant}-2`], tenant).toMatchObject({ worker: outcomes[`${tenant}-1`]!.worker, predicted: FULL_BLOCKS, cached: FULL_BLOCKS });
    }
    const cached = cluster.snapshot().workers.reduce((sum, w) => sum + (w.usage.cached as number), 0);
    expect(cached, 'one private copy per tenant').toBe(tenants.length * FULL_BLOCKS);
  });
});

describe('adapters separate blocks too', () => {
  it('on one worker: another adapter (or none) finds nothing; the same adapter hits every full block', async () => {
    const { cluster, outcomes } = await run({ workers: 1 }, [
      { id: 'base', at: 0, tenant: 'acme' },
      { id: 'lora-x-1', at: 1_000, tenant: 'acme', adapter: 'lora-x' },
      { id: 'lora-y-1', at: 2_000, tenant: 'acme', adapter: 'lora-y' },
      { id: 'lora-x-2', at: 3_000, tenant: 'acme', adapter: 'lora-x' },
      { id: 'base-2', at: 4_000, tenant: 'acme' },
    ]);
    expect(Object.fromEntries(Object.entries(outcomes).map(([id, o]) => [id, o.cached]))).toEqual({
      base: 0,
      'lora-x-1': 0,
      'lora-y-1': 0,
      'lora-x-2': FULL_BLOCKS,
      'base-2': FULL_BLOCKS,
    });
    expect(cluster.snapshot().workers[0]!.usage.cached, 'three copies: no adapter, lora-x, lora-y').toBe(3 * FULL_BLOCKS);
  });

  it('across workers: the router does not match blocks of another adapter', async () => {
    const { outcomes } = await run({ workers: 4, strategy: 'cache-aware' }, [
      { id: 'lora-x-1', at: 0, adapter: 'lora-x' },
      { id: 'lora-y-1', at: 1_000, adapter: 'lora-y' },
      { id: 'plain-1', at: 2_000 },
      { id: 'lora-x-2', at: 3_000, adapter: 'lora-x' },
    ]);
    expect(outcomes['lora-y-1']).toMatchObject({ predicted: 0, cached: 0 });
    expect(outcomes['plain-1']).toMatchObject({ predicted: 0, cached: 0 });
    expect(outcomes['lora-x-2']).toMatchObject({ worker: outcomes['lora-x-1']!.worker, predicted: FULL_BLOCKS, cached: FULL_BLOCKS });
  });

  it('tenant and adapter names cannot be confused with each other', async () => {
    // tenant 'ab' and tenant 'a' with adapter 'b' concatenate to the same characters; the keys
    // are tagged and length-prefixed, so they are different blocks.
    const { cluster, outcomes } = await run({ workers: 1 }, [
      { id: 'ab', at: 0, tenant: 'ab' },
      { id: 'a+b', at: 1_000, tenant: 'a', adapter: 'b' },
      { id: 'adapter-ab', at: 2_000, adapter: 'ab' },
    ]);
    expect([outcomes['ab']!.cached, outcomes['a+b']!.cached, outcomes['adapter-ab']!.cached]).toEqual([0, 0, 0]);
    expect(cluster.snapshot().workers[0]!.usage.cached).toBe(3 * FULL_BLOCKS);
  });
});
