import fc from 'fast-check';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/messages.ts';
import { AccountingError, MetricsOptionError } from '../../src/metrics/errors.ts';
import { MetricsRecorder } from '../../src/metrics/recorder.ts';
import { cacheStatus, e2eMs, queueMs, ttftMs } from '../../src/metrics/request-record.ts';
import {
  admitted,
  completed,
  failed,
  kvCleared,
  kvRemoved,
  kvStored,
  preempted,
  prefilled,
  recorderOf,
  rejected,
  routed,
  served,
  submitted,
  tokens,
  workerUp,
} from './factories.ts';

/** The worked example: 2 cached + 3 computed blocks, prefill 5 + 2.5 × 3, three 15 ms steps. */
const workedExample: Message[] = [
  submitted('a', 0, 72, 3),
  routed('a', 0, 0, 2),
  admitted('a', 0, 0, 2, 3, 72),
  prefilled('a', 12.5, 0),
  tokens('a', 27.5, 0, 3),
  completed('a', 57.5, 0, 3),
];

describe('MetricsRecorder: one request', () => {
  it('records the worked example: ttft 27.5 ms, e2e 57.5 ms, queue 0', () => {
    const r = recorderOf(workedExample).record('a');
    expect(r).toMatchObject({
      state: 'completed',
      submittedAt: 0,
      routedAt: 0,
      workerId: 0,
      predictedBlocks: 2,
      admittedAt: 0,
      cachedBlocks: 2,
      computedBlocks: 3,
      promptTokens: 72,
      prefilledAt: 12.5,
      firstTokenAt: 27.5,
      lastTokenAt: 57.5,
      completedAt: 57.5,
      outputTokens: 3,
      finish: 'length',
      preemptions: 0,
    });
    expect(r && [ttftMs(r), e2eMs(r), queueMs(r), cacheStatus(r)]).toEqual([27.5, 57.5, 0, 'HIT']);
  });

  it('takes the first token from the batch with offset 0, and counts tokens across batches', () => {
    const rec = recorderOf([
      submitted('a', 0),
      routed('a', 0, 0),
      admitted('a', 0, 0, 0, 5),
      tokens('a', 32.5, 0, 2, 0),
      tokens('a', 62.5, 0, 3, 2),
    ]);
    expect(rec.record('a')).toMatchObject({ firstTokenAt: 32.5, lastTokenAt: 92.5, outputTokens: 5, state: 'pending' });
    expect(rec.simulatedMs, 'a token batch counts up to its last token').toBe(92.5);
  });

  it('keeps the first admission and prefill of a preempted request, and counts its preemptions', () => {
    const rec = recorderOf([
      submitted('a', 0, 64),
      routed('a', 0, 1, 0),
      admitted('a', 10, 1, 0, 4, 64),
      prefilled('a', 25, 1),
      tokens('a', 40, 1, 10),
      preempted('a', 190, 1),
      admitted('a', 200, 1, 4, 1, 74),
      prefilled('a', 207.5, 1),
    ]);
    expect(rec.record('a')).toMatchObject({
      admittedAt: 10,
      cachedBlocks: 0,
      computedBlocks: 4,
      promptTokens: 64,
      admissions: 2,
      prefilledAt: 25,
      preemptions: 1,
    });
    // The cache counters take the first admission; the re-admission (its own 4 blocks found) is apart.
    expect(rec.workers()[0]).toMatchObject({ id: 1, admissions: 2, readmissions: 1, hitBlocks: 0, queriedBlocks: 4, hitTokens: 0, queriedTokens: 64, readmissionHitBlocks: 4, readmissionQueriedBlocks: 5, preemptions: 1 });
  });

  it('a re-route before admission replaces the prediction; one after it does not', () => {
    const rec = recorderOf([
      submitted('a', 0),
      routed('a', 0, 0, 5),
      routed('a', 3, 1, 2),
      admitted('a', 4, 1, 2, 3),
      routed('a', 9, 2, 7),
    ]);
    expect(rec.record('a')).toMatchObject({ routings: 3, routedAt: 3, workerId: 1, predictedBlocks: 2 });
  });

  it('records a rejection and a failure with their reasons', () => {
    const rec = recorderOf([submitted('a', 0), rejected('a', 1, 'context-limit'), submitted('b', 0), failed('b', 7, 2, 'worker 2 down')]);
    expect(rec.record('a')).toMatchObject({ state: 'rejected', rejected: { at: 1, code: 'context-limit' } });
    expect(rec.record('b')).toMatchObject({ state: 'failed', failed: { at: 7, reason: 'worker 2 down' } });
  });

  it('calls a request never admitted neither HIT nor MISS, and one admitted with no cached block a MISS', () => {
    const rec = recorderOf([submitted('a', 0), rejected('a', 1), ...served('b', { cached: 0 })]);
    const [a, b] = [rec.record('a'), rec.record('b')];
    expect(a && cacheStatus(a)).toBeUndefined();
    expect(b && cacheStatus(b)).toBe('MISS');
  });
});

describe('MetricsRecorder: workers', () => {
  it('counts evictions as the hashes of KV.REMOVED, per worker; KV.CLEARED apart', () => {
    const rec = recorderOf([kvStored(0, 0, 6), kvRemoved(1, 5, 3), kvRemoved(1, 9, 2), kvRemoved(0, 9, 1), kvCleared(0, 12)]);
    expect(rec.workers().map((w) => [w.id, w.storedBlocks, w.evictions, w.clears])).toEqual([
      [0, 6, 1, 1],
      [1, 0, 5, 0],
    ]);
  });

  it('knows every worker named by any message, sorted by id', () => {
    const rec = recorderOf([workerUp(3), submitted('a', 0), routed('a', 0, 1), kvStored(2, 0, 1), rejected('a', 1, 'too-large', 5)]);
    expect(rec.workers().map((w) => w.id)).toEqual([1, 2, 3, 5]);
  });

  it('counts requests routed to each worker and completions on it', () => {
    const rec = recorderOf([...served('a', { worker: 0 }), ...served('b', { worker: 1 }), ...served('c', { worker: 1 })]);
    expect(rec.workers().map((w) => [w.id, w.requests, w.completed])).toEqual([
      [0, 1, 1],
      [1, 2, 2],
    ]);
  });
});

describe('MetricsRecorder: conservation', () => {
  it('submitted = completed + rejected + failed + pending', () => {
    const rec = recorderOf([
      ...served('a'),
      submitted('b', 0),
      rejected('b', 0),
      submitted('c', 0),
      failed('c', 3),
      submitted('d', 0),
      routed('d', 0, 0),
    ]);
    expect(rec.accounting()).toEqual({ submitted: 4, completed: 1, rejected: 1, failed: 1, pending: 1, duplicates: 0, orphans: 0 });
  });

  it('counts a second completion, a completion after a rejection and a second submission as duplicates; the first end stands', () => {
    const rec = recorderOf([...served('a'), completed('a', 99, 0), submitted('b', 0), rejected('b', 1), completed('b', 50, 0), submitted('b', 2)]);
    expect(rec.accounting()).toEqual({ submitted: 2, completed: 1, rejected: 1, failed: 0, pending: 0, duplicates: 3, orphans: 0 });
    expect(rec.record('a')?.completedAt, 'served: 5 + 2.5 × 1 + 15 × 3').toBe(52.5);
    expect(rec.record('b')).toMatchObject({ state: 'rejected', completedAt: undefined, submittedAt: 0 });
  });

  it('counts messages about a request never submitted as orphans', () => {
    const rec = recorderOf([tokens('x', 5, 0, 2), completed('x', 20, 0)]);
    expect(rec.accounting()).toMatchObject({ submitted: 0, completed: 0, orphans: 2 });
  });

  it('in strict mode, throws on a duplicate completion and on an orphan', () => {
    const strict = recorderOf(served('a'), { strict: true });
    expect(() => strict.observe(completed('a', 99, 0))).toThrow(AccountingError);
    expect(() => strict.observe(completed('a', 99, 0))).toThrow(/completed after completed/);
    expect(() => strict.observe(tokens('x', 5, 0, 1))).toThrow(/never submitted/);
  });

  it('holds for any order of terminal messages', () => {
    const ends = fc.constantFrom('completed', 'rejected', 'failed', 'none');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), ends), { maxLength: 60 }), fc.integer({ min: 0, max: 10 }), (events, n) => {
        const rec = new MetricsRecorder();
        for (let i = 0; i < n; i++) rec.observe(submitted(`r${i}`, 0));
        for (const [i, end] of events) {
          const id = `r${i}`;
          if (end === 'completed') rec.observe(completed(id, 1, 0));
          else if (end === 'rejected') rec.observe(rejected(id, 1));
          else if (end === 'failed') rec.observe(failed(id, 1));
        }
        const a = rec.accounting();
        expect(a.submitted).toBe(n);
        expect(a.completed + a.rejected + a.failed + a.pending).toBe(a.submitted);
        expect(a.pending).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('MetricsRecorder: wiring', () => {
  it('attach() records what the stream emits until unsubscribed', () => {
    const bus = new Subject<Message>();
    const rec = new MetricsRecorder();
    const subscription = rec.attach(bus);
    bus.next(submitted('a', 0));
    subscription.unsubscribe();
    bus.next(submitted('b', 1));
    expect(rec.accounting().submitted).toBe(1);
  });

  it('rejects a block size that is not a positive integer', () => {
    expect(() => new MetricsRecorder({ blockSize: 0 })).toThrow(MetricsOptionError);
    expect(() => new MetricsRecorder({ blockSize: 2.5 })).toThrow(/positive integer/);
  });
});
