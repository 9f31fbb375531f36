// AIBrix's `prefix-cache` router, as PEERS.md pins it (vllm-project/aibrix @e3e10f9e,
// pkg/plugins/gateway/algorithms/prefix_cache.go: routeOriginal, getTargetPodListOnLoadImbalance,
// getTargetPodFromMatchedPods; its view is pkg/utils/prefixcacheindexer/hash.go over
// pkg/utils/lrustore/lru_store.go).
//
//   1. max − min in flight (alive) > imbalanceAbs (8) → candidates = the least-in-flight workers
//                                                                         (rule 'imbalance')
//   2. else candidates = every alive worker. Rank them by matched / request blocks (desc), then in
//      flight (asc); the first whose in flight ≤ mean + stdDevFactor (1) × σ over all alive
//      workers wins: 'prefix-match' when it matched a block, else 'least-in-flight'
//   3. no candidate within that bound → the least-in-flight worker, ties by the tie rule ('fallback')
// View: approximate (what the router sent), an entry idle for more than ttlMs (20 min) dropped.
//
// Ties: workers equal in both keys are exact ties, and all of them pass or fail the σ bound
// together (same in flight). One draw picks among the winning group: its ⌊draw × k⌋-th worker in
// id order, drawn only when k > 1. AIBrix shuffles the matched pods (rand.Shuffle) and then sorts
// them stably, which is the same uniform choice among exact ties.
//
// Where the source differs from PEERS.md, this file follows PEERS.md:
//   - σ: AIBrix's standardDeviation (algorithms/util.go) divides by n − 1 (sample σ); PEERS.md
//     says population σ, used here.
//   - Candidates: AIBrix ranks only the pods that match ≥ 1 block (PrefixHashTable.MatchPrefix
//     returns no others) and otherwise falls back to selectTargetPodWithLeastRequestCount over all
//     ready pods, ties random. Ranking every alive worker gives the same choice: a zero-match worker
//     wins only when every matched one is over the bound, and it is then the least in flight.
//   - Ranking key: AIBrix floors the match to an integer percent, (i + 1) × 100 / blocks; here the
//     exact fraction (it differs only for requests over 100 blocks).
//   - Fallback ties: AIBrix draws at random; PEERS.md's default tie rule is used. NOTE: with
//     stdDevFactor ≥ 0 the least-in-flight worker always passes (min ≤ mean), so the fallback is
//     reached only with a negative factor, which AIBrix's integer env variable also allows.
//   - View: AIBrix hashes blocks of 4 tokens of its character tokenizer (here the profile's block),
//     expires a whole hash when no pod was sent it for 20 min (lrustore.evict, checked every 1 s),
//     and caps the table at 200,000 hashes (AIBRIX_PREFIX_CACHE_BLOCK_NUMBER, LRU on insert). The
//     view here expires each (worker, block) entry on its own, at every decision, and has no cap.

import { RoutingOptionError } from './errors.ts';
import { compareTie, countAlive, drawTie, loadRange, pickBest } from './tie-break.ts';
import type { RoutingChoice, RouteRequest, RoutingContext, Strategy, ViewSpec, WorkerLoad } from './types.ts';

export interface AibrixOptions {
  /** Only the least-in-flight workers are candidates when max − min in flight exceeds this (AIBrix: podRunningRequestImbalanceAbsCount, 8). */
  readonly imbalanceAbs?: number;
  /** A candidate wins only with in flight ≤ mean + this × σ (AIBrix: standardDeviationFactor, 1). */
  readonly stdDevFactor?: number;
  /** The view drops a (worker, block) entry not sent again for longer than this, ms (AIBrix: prefixCacheEvictionDuration, 20 min). */
  readonly ttlMs?: number;
}

export const AIBRIX_DEFAULTS: Required<AibrixOptions> = {
  imbalanceAbs: 8,
  stdDevFactor: 1,
  ttlMs: 1_200_000,
};

/** A number for a reason string: at most two decimals. */
const fmt = (x: number): string => String(Math.round(x * 100) / 100);

/** AIBrix's prefix-cache policy. Rule: imbalance → least in flight; else the best match within mean + k × σ in flight. */
export function createAibrix(options: AibrixOptions = {}): Strategy {
  const { imbalanceAbs, stdDevFactor, ttlMs } = { ...AIBRIX_DEFAULTS, ...options };
  const bad: string[] = [];
  if (!(imbalanceAbs >= 0)) bad.push(`imbalanceAbs = ${imbalanceAbs} (≥ 0)`);
  if (!Number.isFinite(stdDevFactor)) bad.push(`stdDevFactor = ${stdDevFactor} (finite)`);
  if (!(ttlMs > 0)) bad.push(`ttlMs = ${ttlMs} (> 0; Infinity: never)`);
  if (bad.length > 0) throw new RoutingOptionError(`invalid aibrix options: ${bad.join(', ')}`);

  function aibrix(request: RouteRequest, context: RoutingContext): RoutingChoice {
    const { workers, matched } = context;
    const alive = countAlive(workers);
    const { min, max } = loadRange(workers);
    const imbalanced = max - min > imbalanceAbs;

    let sum = 0;
    for (const w of workers) if (w.alive) sum += w.inFlight;
    const mean = sum / alive;
    let squares = 0;
    for (const w of workers) if (w.alive) squares += (w.inFlight - mean) ** 2;
    const sigma = Math.sqrt(squares / alive);
    const bound = mean + stdDevFactor * sigma;
    const boundText = `mean ${fmt(mean)} + ${stdDevFactor} × σ ${fmt(sigma)} = ${fmt(bound)}`;

    // Ranking: more matched blocks first (the same order as the fraction: one request), then
    // fewer in flight. The first candidate within the bound in that ranking is the best-ranked of
    // those within it, so one pass finds it without sorting. `group` = the exact ties of the best
    // candidate within the bound so far; `hot` = the best-ranked one over it, for the reason.
    const ranksBefore = (a: WorkerLoad, b: WorkerLoad) => (matched[b.id] ?? 0) - (matched[a.id] ?? 0) || a.inFlight - b.inFlight;
    let group: WorkerLoad[] = [];
    let hot: WorkerLoad | undefined;
    for (const w of workers) {
      if (!w.alive || (imbalanced && w.inFlight !== min)) continue;
      if (w.inFlight > bound) {
        if (hot === undefined || ranksBefore(w, hot) < 0) hot = w;
        continue;
      }
      const order = group.length === 0 ? -1 : ranksBefore(w, group[0]!);
      if (order < 0) group = [w];
      else if (order === 0) group.push(w);
    }
    const loads = `loads ${min}..${max} in flight`;

    if (group.length === 0) {
      const chosen = pickBest(workers, null, compareTie);
      return {
        workerId: chosen.id,
        rule: 'fallback',
        reason: `no candidate within ${boundText} in flight; least in flight ${chosen.inFlight} on worker ${chosen.id} (${loads})`,
      };
    }

    const chosen = drawTie(group, context.random).item;
    const blocks = request.hashes.length;
    const got = matched[chosen.id] ?? 0;
    const tie = group.length > 1 ? ` (random among ${group.map((w) => w.id).join(', ')})` : '';
    const skipped = hot !== undefined && ranksBefore(hot, chosen) < 0
      ? `; skipped worker ${hot.id} (matched ${matched[hot.id] ?? 0}/${blocks}, ${hot.inFlight} in flight > ${fmt(bound)})`
      : '';
    const pick = `matched ${got}/${blocks} blocks on worker ${chosen.id}${tie}, ${chosen.inFlight} in flight ≤ ${boundText}${skipped}`;
    if (imbalanced) {
      return { workerId: chosen.id, rule: 'imbalance', reason: `${loads}: ${max} − ${min} > ${imbalanceAbs}, only those at ${min}; ${pick}` };
    }
    return { workerId: chosen.id, rule: got > 0 ? 'prefix-match' : 'least-in-flight', reason: `${pick}; ${loads}` };
  }

  return Object.assign(aibrix, { view: { kind: 'approx', ttlMs } satisfies ViewSpec });
}
