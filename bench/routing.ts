// Routing benchmark: the cost of one routing decision, view.context(request, now) + cacheAware,
// on 8 workers whose index holds ~900 blocks each (KV events from a shared-prefix mix), for
// 24-block requests. Hashes are precomputed, so hashing is excluded. Each decision is timed on
// its own with process.hrtime.bigint() (its ~50 ns overhead is reported and included).
// Target: p99 ≤ 20 µs.

import { pathToFileURL } from 'node:url';
import { ChainHasher, type BlockHash } from '../src/cache/hash.ts';
import { DEFAULT_LATENCY } from '../src/latency-model.ts';
import { cacheAware } from '../src/routing/cache-aware.ts';
import { RouterView } from '../src/routing/router-view.ts';
import type { RouteRequest } from '../src/routing/types.ts';
import { printTable } from './measure.ts';
import { createPrng } from '../src/prng.ts';

const BLOCK = 16;
const WORKERS = 8;
const BLOCKS_PER_WORKER = 900;
const SYSTEM_PROMPTS = 16;
const DOCUMENTS = 256;
// A prompt = system prompt (4 blocks) + document (8) + question (12) = 24 blocks: a shared system
// prompt alone (4/24) is a low match, system + document (12/24) is a prefix match.
const SYSTEM_BLOCKS = 4;
const DOCUMENT_BLOCKS = 8;
const QUESTION_BLOCKS = 12;
const WARMUP = 20_000;
const DECISIONS = 200_000;
const MAX_IN_FLIGHT = 64;

export async function benchRouting(): Promise<Record<string, number>> {
  const rand = createPrng(7);
  const tokens = (blocks: number): number[] => Array.from({ length: blocks * BLOCK }, () => Math.floor(rand() * 50257));
  // Popular system prompts and documents more often than others (a rough Zipf, squared uniform).
  const skewed = (n: number): number => Math.floor(rand() * rand() * n);
  const systems = Array.from({ length: SYSTEM_PROMPTS }, () => tokens(SYSTEM_BLOCKS));
  const documents = Array.from({ length: DOCUMENTS }, () => tokens(DOCUMENT_BLOCKS));
  const hasher = new ChainHasher();
  const prompt = (): BlockHash[] => hasher.hashBlocks([...systems[skewed(SYSTEM_PROMPTS)]!, ...documents[skewed(DOCUMENTS)]!, ...tokens(QUESTION_BLOCKS)]);

  // Fill each worker through KV events until it holds ~900 distinct blocks.
  const view = new RouterView({ workers: WORKERS, mode: 'events', latency: DEFAULT_LATENCY });
  const held = Array.from({ length: WORKERS }, () => new Set<BlockHash>());
  for (let w = 0; w < WORKERS; w++) {
    while (held[w]!.size < BLOCKS_PER_WORKER) {
      const hashes = prompt();
      view.onKvStored(w, hashes);
      for (const h of hashes) held[w]!.add(h);
    }
  }

  // The requests routed: fresh prompts from the same mix (hashes computed here, outside the timing).
  const pool: BlockHash[][] = Array.from({ length: 4096 }, prompt);
  const requests: RouteRequest[] = [];
  const order: string[] = [];
  const samples = new Float64Array(DECISIONS);
  const rules = new Map<string, number>();
  let now = 0;
  let overheadNs = 0n;

  for (let i = 0; i < WARMUP + DECISIONS; i++) {
    const hashes = pool[i % pool.length]!;
    const request: RouteRequest = { id: `d${i}`, hashes, promptTokens: hashes.length * BLOCK, maxTokens: 64 };
    const t0 = process.hrtime.bigint();
    const choice = cacheAware(request, view.context(request, now));
    const t1 = process.hrtime.bigint();
    const t2 = process.hrtime.bigint();
    if (i >= WARMUP) {
      samples[i - WARMUP] = Number(t1 - t0) / 1000;
      overheadNs += t2 - t1;
      rules.set(choice.rule, (rules.get(choice.rule) ?? 0) + 1);
    }
    // Untimed: keep the loads moving as a router would (prefill soon, finish the oldest).
    view.onRouted(request, choice.workerId, now);
    requests.push(request);
    order.push(request.id);
    if (requests.length > 8) view.onPrefilled(requests.shift()!.id, now);
    if (order.length > MAX_IN_FLIGHT) view.onFinished(order.shift()!, now);
    now += 0.5;
  }

  const sorted = samples.slice().sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  let sum = 0;
  for (const s of samples) sum += s;
  const figures = {
    decisions: DECISIONS,
    meanUs: sum / DECISIONS,
    p50Us: at(0.5),
    p99Us: at(0.99),
    maxUs: sorted[sorted.length - 1]!,
    hrtimeOverheadUs: Number(overheadNs) / DECISIONS / 1000,
    indexEntries: view.index.size,
    prefixShare: (rules.get('longest-prefix') ?? 0) / DECISIONS,
    lowMatchShare: (rules.get('low-match') ?? 0) / DECISIONS,
    loadGuardShare: (rules.get('load-guard') ?? 0) / DECISIONS,
  };
  printTable(`routing: context + cacheAware, ${WORKERS} workers × ~${BLOCKS_PER_WORKER} blocks, 24-block requests`, [
    { measure: 'decisions timed', value: DECISIONS.toLocaleString('en-US'), target: '≥ 100,000' },
    { measure: 'mean per decision', value: `${figures.meanUs.toFixed(2)} µs`, target: '' },
    { measure: 'p50 per decision', value: `${figures.p50Us.toFixed(2)} µs`, target: '' },
    { measure: 'p99 per decision', value: `${figures.p99Us.toFixed(2)} µs`, target: '≤ 20 µs' },
    { measure: 'max per decision', value: `${figures.maxUs.toFixed(1)} µs`, target: '(GC pauses)' },
    { measure: 'hrtime.bigint() overhead', value: `${figures.hrtimeOverheadUs.toFixed(3)} µs`, target: '(included above)' },
    { measure: 'index entries (distinct hashes)', value: figures.indexEntries, target: '' },
    { measure: 'rules: prefix / low-match / guard', value: `${(figures.prefixShare * 100).toFixed(1)}% / ${(figures.lowMatchShare * 100).toFixed(1)}% / ${(figures.loadGuardShare * 100).toFixed(1)}%`, target: '' },
  ]);
  return figures;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchRouting();
