import { describe, expect, it } from 'vitest';
import { slowestRequests } from '../../src/report/slowest.ts';

const line = (strategy: string, id: string, e2eMs: number | null) => JSON.stringify({ strategy, id, e2eMs, rule: 'r', reason: 'why' });

describe('slowestRequests', () => {
  it('lists the completed requests of each run with the longest e2e first, runs in the order of the file', () => {
    const jsonl = [line('b', 'b1', 5), line('a', 'a1', 30), line('b', 'b2', 50), line('a', 'a2', null), line('a', 'a3', 40), line('a', 'a4', 10), ''].join('\n');
    expect(slowestRequests(jsonl, 2).map((r) => r.id)).toEqual(['b2', 'b1', 'a3', 'a1']);
  });

  it('keeps submission order between equal latencies', () => {
    const jsonl = `${[line('a', 'x', 7), line('a', 'y', 9), line('a', 'z', 7)].join('\n')}\n`;
    expect(slowestRequests(jsonl).map((r) => r.id)).toEqual(['y', 'x', 'z']);
  });
});
