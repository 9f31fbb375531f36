import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/messages.ts';
import { distribution } from '../../src/metrics/distribution.ts';
import { summarize } from '../../src/metrics/summary.ts';
import { completed, recorderOf, routed, submitted, tokens, admitted } from './factories.ts';

/** The quantile definition, written out: linear interpolation between closest ranks (R type 7). */
function type7(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  const above = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return below + (h - lo) * (above - below);
}

const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected), `${actual} ≠ ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));

/** Requests submitted at 0 whose first token and completion come at the given latency. */
const withLatencies = (latencies: readonly number[]): Message[] =>
  latencies.flatMap((ms, i) => [
    submitted(`r${i}`, 0),
    routed(`r${i}`, 0, i % 3),
    admitted(`r${i}`, 0, i % 3, 0, 1),
    tokens(`r${i}`, ms, i % 3, 1),
    completed(`r${i}`, ms, i % 3, 1),
  ]);

describe('latency distributions', () => {
  it('agree with a direct computation of mean, p50, p95, p99 and max', () => {
    const latencies = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(latencies, (ms) => {
        const { e2e, ttft } = summarize(recorderOf(withLatencies(ms))).latency;
        const sorted = [...ms].sort((a, b) => a - b);
        expect(e2e.count).toBe(ms.length);
        close(e2e.mean, ms.reduce((a, b) => a + b, 0) / ms.length);
        close(e2e.p50, type7(sorted, 0.5));
        close(e2e.p95, type7(sorted, 0.95));
        close(e2e.p99, type7(sorted, 0.99));
        expect(e2e.max).toBe(Math.max(...ms));
        expect(ttft).toEqual(e2e);
      }),
    );
  });

  it('p50 of an odd count is the middle value, of an even count the midpoint', () => {
    expect(distribution([30, 10, 20]).p50).toBe(20);
    expect(distribution([40, 10, 20, 30]).p50).toBe(25);
  });

  it('of an empty set are zeros, never NaN', () => {
    expect(distribution([])).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
