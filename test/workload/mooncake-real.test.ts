// The real Mooncake traces, which CI keeps beside the project in ../shared/traces/ (never copied
// in). Without them (a user's clone) these tests skip, saying why.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ChainHasher } from '../../src/cache/hash.ts';
import { readMooncakeTrace, type MooncakeTrace } from '../../src/workload/mooncake.ts';
import { promptOf, type WorkloadRequest } from '../../src/workload/request.ts';

const tracePath = (name: string): string => fileURLToPath(new URL(`../../../shared/traces/${name}`, import.meta.url));
const haveTraces = existsSync(tracePath(''));
if (!haveTraces) console.warn(`skipping the real traces: ${tracePath('')} is missing (it sits beside the project in CI)`);

/** The hash_ids count of every line, read independently with JSON.parse (the ids are small). */
const idCounts = (path: string): number[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { hash_ids: unknown[] }).hash_ids.length);

/**
 * Ideal prefix reuse of the prompts' token blocks: each request's longest leading run of chained
 * block hashes already seen in earlier requests, summed, over all blocks.
 */
function idealReuse(requests: readonly WorkloadRequest[]): { hits: number; blocks: number } {
  const hasher = new ChainHasher();
  const seen = new Set<string>();
  let hits = 0;
  let blocks = 0;
  for (const request of requests) {
    const hashes = hasher.hashBlocks(promptOf(request));
    let leading = 0;
    while (leading < hashes.length && seen.has(hashes[leading]!)) leading++;
    for (const h of hashes) seen.add(h);
    hits += leading;
    blocks += hashes.length;
  }
  return { hits, blocks };
}

describe.skipIf(!haveTraces)('readMooncakeTrace on the conversation trace', () => {
  const path = tracePath('conversation_trace.jsonl');
  // Read before the tests, not while they are collected: a skipped describe's body still runs.
  let trace: MooncakeTrace;
  beforeAll(() => {
    trace = readMooncakeTrace(path);
  });

  it('reads all 12,031 requests, with no skipped line and consistent lengths', () => {
    expect(trace.requests).toHaveLength(12_031);
    expect(trace.skipped).toEqual([]);
    expect(trace.lengthMismatches).toEqual([]);
    expect(trace.requests.at(-1)!.at).toBe(3_536_999); // SOURCE.md: 3,537.0 s from first to last arrival;
  });

  it('gives every request hash-id count × B blocks of 16 tokens', () => {
    const counts = idCounts(path);
    expect(trace.requests.map((r) => promptOf(r).length)).toEqual(counts.map((n) => n * 16));
    const scaled = readMooncakeTrace(path, { blocksPerId: 3, limit: 1000 });
    expect(scaled.requests.map((r) => promptOf(r).length)).toEqual(counts.slice(0, 1000).map((n) => n * 48));
  });

  it('keeps the prefix structure: ideal reuse of the token blocks is SOURCE.md\'s 105,710 / 288,500', () => {
    expect(idealReuse(trace.requests)).toEqual({ hits: 105_710, blocks: 288_500 });
  });
});

describe.skipIf(!haveTraces)('readMooncakeTrace on the synthetic trace', () => {
  it('reads 3,993 requests whose ideal block reuse is 77,953 / 121,877', () => {
    const { requests } = readMooncakeTrace(tracePath('synthetic_trace.jsonl'));
    expect(requests).toHaveLength(3_993);
    expect(idealReuse(requests)).toEqual({ hits: 77_953, blocks: 121_877 });
  });
});
