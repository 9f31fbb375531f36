import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/actors/cluster.ts';
import type { Message } from '../../src/messages.ts';
import { AIBRIX_DEFAULTS, createAibrix } from '../../src/routing/aibrix.ts';
import { NoWorkerAliveError, RoutingOptionError } from '../../src/routing/errors.ts';
import type { WorkerLoad } from '../../src/routing/types.ts';
import { chain, countingDraws, makeContext, makeRequest, makeWorkers } from './factories.ts';

const aibrix = createAibrix();
const request24 = makeRequest('r', chain('a', 24));

describe('aibrix', () => {
  it("has AIBrix's constants and declares its approximate view with a 20 min TTL", () => {
    expect(AIBRIX_DEFAULTS).toEqual({ imbalanceAbs: 8, stdDevFactor: 1, ttlMs: 1_200_000 });
    expect(aibrix.view).toEqual({ kind: 'approx', ttlMs: 1_200_000 });
    expect(createAibrix({ ttlMs: 1000 }).view).toEqual({ kind: 'approx', ttlMs: 1000 });
  });

  it('under imbalance (max − min in flight > 8) keeps only the least-in-flight workers, whatever they match', () => {
    const workers = makeWorkers([{ inFlight: 0 }, { inFlight: 4 }, { inFlight: 9 }]);
    expect(aibrix(request24, makeContext(workers, [0, 24, 24]))).toEqual({
      workerId: 0,
      rule: 'imbalance',
      reason: 'loads 0..9 in flight: 9 − 0 > 8, only those at 0; matched 0/24 blocks on worker 0, 0 in flight ≤ mean 4.33 + 1 × σ 3.68 = 8.02',
    });
  });

  it('a gap of exactly 8 is not an imbalance: the best match within the bound wins', () => {
    const workers = makeWorkers([{ inFlight: 0 }, { inFlight: 4 }, { inFlight: 8 }]);
    expect(aibrix(request24, makeContext(workers, [0, 20, 24]))).toEqual({
      workerId: 1,
      rule: 'prefix-match',
      reason: 'matched 20/24 blocks on worker 1, 4 in flight ≤ mean 4 + 1 × σ 3.27 = 7.27; skipped worker 2 (matched 24/24, 8 in flight > 7.27); loads 0..8 in flight',
    });
  });

  it('the imbalance threshold is an option', () => {
    const workers = makeWorkers([{ inFlight: 0 }, { inFlight: 4 }, { inFlight: 9 }]);
    expect(createAibrix({ imbalanceAbs: 9 })(request24, makeContext(workers, [0, 24, 24])).workerId).toBe(1);
  });

  it('ranks by matched fraction (desc), then in flight (asc)', () => {
    // A wide bound lets every candidate pass: taking each winner down reveals the whole ranking.
    const strategy = createAibrix({ stdDevFactor: 100 });
    const rows: Partial<Omit<WorkerLoad, 'id'>>[] = [{ inFlight: 3 }, { inFlight: 1 }, { inFlight: 2 }, { inFlight: 1 }, { inFlight: 0 }];
    const matched = [5, 5, 9, 0, 0];
    const order: string[] = [];
    for (let round = 0; round < rows.length; round++) {
      const choice = strategy(request24, makeContext(makeWorkers(rows), matched));
      order.push(`${choice.workerId}:${choice.rule}`);
      rows[choice.workerId] = { ...rows[choice.workerId], alive: false };
    }
    expect(order).toEqual(['2:prefix-match', '1:prefix-match', '0:prefix-match', '4:least-in-flight', '3:least-in-flight']);
  });

  it('decides exact ties (same match, same in flight) by one draw: the ⌊draw × k⌋-th of the k tied, in id order', () => {
    const workers = makeWorkers([{ inFlight: 1 }, { inFlight: 1 }, { inFlight: 1 }, { inFlight: 1 }]);
    const matched = [6, 6, 0, 6];
    const pick = (draw: number) => aibrix(request24, makeContext(workers, matched, { draws: [draw] }));
    expect([0, 0.34, 0.5, 0.99].map((d) => pick(d).workerId)).toEqual([0, 1, 1, 3]);
    expect(pick(0.5).reason).toBe('matched 6/24 blocks on worker 1 (random among 0, 1, 3), 1 in flight ≤ mean 1 + 1 × σ 0 = 1; loads 1..1 in flight');
  });

  it('draws only when the winner is tied', () => {
    const workers = makeWorkers([{ inFlight: 1 }, { inFlight: 0 }, { inFlight: 1 }]);
    const untied = countingDraws(makeContext(workers, [6, 6, 6], { draws: [0.9] }));
    expect(aibrix(request24, untied.context).workerId, 'same match: fewest in flight').toBe(1);
    expect(untied.draws()).toBe(0);
    const tied = countingDraws(makeContext(workers, [6, 3, 6], { draws: [0.9] }));
    expect(aibrix(request24, tied.context).workerId).toBe(2);
    expect(tied.draws()).toBe(1);
  });

  it('skips a hot best match: in flight above mean + 1 × σ (population σ over alive workers)', () => {
    // in flight 6, 1, 1, 0: mean 2, σ = √5.5 ≈ 2.35, bound ≈ 4.35.
    const workers = makeWorkers([{ inFlight: 6 }, { inFlight: 1 }, { inFlight: 1 }, { inFlight: 0 }]);
    expect(aibrix(request24, makeContext(workers, [24, 12, 0, 0]))).toEqual({
      workerId: 1,
      rule: 'prefix-match',
      reason: 'matched 12/24 blocks on worker 1, 1 in flight ≤ mean 2 + 1 × σ 2.35 = 4.35; skipped worker 0 (matched 24/24, 6 in flight > 4.35); loads 0..6 in flight',
    });
  });

  it('keeps a candidate exactly at the bound', () => {
    // in flight 2, 0: mean 1, population σ 1 (a sample σ would be 1.41), bound 2.
    const workers = makeWorkers([{ inFlight: 2 }, { inFlight: 0 }]);
    expect(aibrix(request24, makeContext(workers, [24, 0])).workerId).toBe(0);
    expect(createAibrix({ stdDevFactor: 0.99 })(request24, makeContext(workers, [24, 0])).workerId).toBe(1);
  });

  it('falls back to the least in flight (tie rule) when no candidate is within the bound', () => {
    // Only a negative factor can reject the least-in-flight worker (its in flight ≤ mean).
    const workers = makeWorkers([{ inFlight: 0, sent: 5 }, { inFlight: 0, sent: 3 }, { inFlight: 10 }]);
    expect(createAibrix({ stdDevFactor: -1 })(request24, makeContext(workers, [24, 0, 24]))).toEqual({
      workerId: 1,
      rule: 'fallback',
      reason: 'no candidate within mean 3.33 + -1 × σ 4.71 = -1.38 in flight; least in flight 0 on worker 1 (loads 0..10 in flight)',
    });
  });

  it('leaves dead workers out of the choice, the gap and σ', () => {
    // Counted, the dead worker would make a gap of 9 (→ itself) and a bound of 7.5 (< 9).
    const workers = makeWorkers([{ alive: false }, { inFlight: 9 }, { inFlight: 2 }]);
    const choice = aibrix(request24, makeContext(workers, [24, 24, 0]));
    expect([choice.workerId, choice.rule]).toEqual([1, 'prefix-match']);
    expect(choice.reason).toContain('9 in flight ≤ mean 5.5 + 1 × σ 3.5 = 9');
    const down: WorkerLoad[] = makeWorkers([{ alive: false }, { alive: false }]);
    expect(() => aibrix(request24, makeContext(down))).toThrow(NoWorkerAliveError);
  });

  it('treats a request without a full block as matching nowhere', () => {
    const workers = makeWorkers([{ inFlight: 2 }, { inFlight: 1 }]);
    expect(aibrix(makeRequest('r', []), makeContext(workers))).toMatchObject({ workerId: 1, rule: 'least-in-flight' });
  });

  it('validates its options, listing every bad one', () => {
    expect(() => createAibrix({ ttlMs: 0 })).toThrow(RoutingOptionError);
    expect(() => createAibrix({ imbalanceAbs: -1, stdDevFactor: Number.NaN, ttlMs: -5 })).toThrow(
      'invalid aibrix options: imbalanceAbs = -1 (≥ 0), stdDevFactor = NaN (finite), ttlMs = -5 (> 0; Infinity: never)',
    );
    expect(() => createAibrix({ stdDevFactor: Infinity })).toThrow('stdDevFactor = Infinity (finite)');
    expect(createAibrix({ ttlMs: Infinity }).view).toEqual({ kind: 'approx', ttlMs: Infinity });
  });

  it('in a cluster, predicts the match while the prompt was sent within the TTL, and 0 after it', async () => {
    const cluster = createCluster({ workers: 2, strategy: createAibrix({ ttlMs: 1000 }) });
    const messages: Message[] = [];
    cluster.events$.subscribe((m) => messages.push(m));
    const prompt = Array.from({ length: 64 }, (_, i) => i + 1);
    cluster.submit({ id: 'first', prompt, maxTokens: 2 }, 0);
    cluster.submit({ id: 'within', prompt, maxTokens: 2 }, 900); // idle 900 ms ≤ 1000
    cluster.submit({ id: 'after', prompt, maxTokens: 2 }, 2000); // idle 1100 ms > 1000
    await cluster.run();
    const routed = messages.flatMap((m) => (m.type === 'REQUEST.ROUTED' ? [m] : []));
    const blocks = routed[0]!.hashes.length;
    expect(blocks, 'the prompt has full blocks').toBeGreaterThan(0);
    expect(routed.map((m) => [m.request.id, m.decision.predictedBlocks])).toEqual([
      ['first', 0],
      ['within', blocks],
      ['after', 0],
    ]);
    expect(routed[1]!.decision.workerId, 'the match drew it to the first one').toBe(routed[0]!.decision.workerId);
  });
});
