import { describe, expect, it } from 'vitest';
import { makeMooncakeTrace, traceJsonl } from '../../src/workload/make-trace.ts';
import { parseMooncakeTrace } from '../../src/workload/mooncake.ts';

describe('makeMooncakeTrace', () => {
  const lines = makeMooncakeTrace({ seed: 3, requests: 3_000, groups: 10, zipf: 1.2, prefixBlocks: 8, uniqueBlocks: 3, rate: 5, outputMean: 100 });

  it('is the same trace for the same seed, and another for another seed', () => {
    expect(traceJsonl(makeMooncakeTrace({ seed: 3, requests: 50 }))).toBe(traceJsonl(makeMooncakeTrace({ seed: 3, requests: 50 })));
    expect(traceJsonl(makeMooncakeTrace({ seed: 4, requests: 50 }))).not.toBe(traceJsonl(makeMooncakeTrace({ seed: 3, requests: 50 })));
  });

  it('writes lines the trace reader accepts, lengths consistent with the ids, in arrival order', () => {
    const read = parseMooncakeTrace(traceJsonl(lines), 'made.jsonl');
    expect(read.requests).toHaveLength(3_000);
    expect(read.lengthMismatches).toEqual([]);
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.timestamp).toBeGreaterThanOrEqual(lines[i - 1]!.timestamp);
    // Poisson at 5 req/s: about 600 s for 3,000 requests.
    expect(lines.at(-1)!.timestamp / 1000).toBeGreaterThan(540);
    expect(lines.at(-1)!.timestamp / 1000).toBeLessThan(660);
    expect(lines.every((l) => l.output_length >= 1 && l.output_length <= 400)).toBe(true);
  });

  it('shares a prefix within a group, the most popular group most often, and never reuses a request\'s own ids', () => {
    const firstIds = new Map<number, number>();
    for (const l of lines) firstIds.set(l.hash_ids[0]!, (firstIds.get(l.hash_ids[0]!) ?? 0) + 1);
    expect(firstIds.size).toBe(10);
    const byCount = [...firstIds].sort((a, b) => b[1] - a[1]);
    expect(byCount[0]![0], 'group 0 (ids from 0) is the most popular').toBe(0);
    expect(byCount[0]![1]).toBeGreaterThan(3 * byCount.at(-1)![1]);
    const own = lines.flatMap((l) => l.hash_ids.filter((id) => id >= 10 * 8));
    expect(new Set(own).size).toBe(own.length);
    // Every request of a group starts with the group's whole prefix.
    const group0 = lines.filter((l) => l.hash_ids[0] === 0);
    expect(group0.every((l) => l.hash_ids.slice(0, 8).join() === '0,1,2,3,4,5,6,7')).toBe(true);
  });

  it('names a bad option', () => {
    expect(() => makeMooncakeTrace({ requests: 0 })).toThrow(/requests/);
    expect(() => makeMooncakeTrace({ rate: -1 })).toThrow(/rate/);
  });
});
