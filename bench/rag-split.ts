// A RAG-sized run with the tiny GPT-2 (issue 5): 300 requests of the rag scenario's defaults over
// 4 workers, one strategy, its wall time split into the simulation and the model. Model time is
// measured around each call of the token source (the source answers one call at a time, so the
// intervals do not overlap); simulation time is the rest.

import { pathToFileURL } from 'node:url';
import { createCluster } from '../src/actors/cluster.ts';
import { loadTokenSource } from '../src/model/load-token-source.ts';
import type { TokenSource } from '../src/model/token-source.ts';
import { feedDriver, openLoop } from '../src/workload/driver.ts';
import { ragWorkload } from '../src/workload/rag.ts';
import { printTable } from './measure.ts';

/** The source, with the host time spent inside its calls added up in `ms`. */
function timed(source: TokenSource): TokenSource & { ms: number; calls: number } {
  const out = {
    name: source.name,
    eosTokenId: source.eosTokenId,
    ms: 0,
    calls: 0,
    next(batch: Parameters<TokenSource['next']>[0]) {
      const t0 = performance.now();
      out.calls++;
      const answer = source.next(batch);
      if (answer instanceof Promise) return answer.finally(() => (out.ms += performance.now() - t0));
      out.ms += performance.now() - t0;
      return answer;
    },
    ...(source.release === undefined ? {} : { release: source.release.bind(source) }),
    ...(source.decode === undefined ? {} : { decode: source.decode.bind(source) }),
  };
  return out;
}

export async function benchRagSplit(): Promise<Record<string, number>> {
  const model = await loadTokenSource('tiny');
  const encode = model.encode!.bind(model);
  const requests = ragWorkload({ seed: 1, requests: 300, rate: 8, encode, systemPromptWords: 150 });
  const source = timed(model);
  const cluster = createCluster({ workers: 4, tokens: source });
  const driver = openLoop(requests);
  cluster.events$.subscribe((m) => feedDriver(driver, m));
  driver.start(cluster);
  const t0 = performance.now();
  await cluster.run();
  const wallMs = performance.now() - t0;
  const figures = { wallMs, modelMs: source.ms, simulationMs: wallMs - source.ms, modelCalls: source.calls, simulatedMs: cluster.now() };
  printTable('RAG-sized run (issue 5): 300 requests, 4 workers, cache-aware, tiny GPT-2', [
    { measure: 'wall time', value: `${(wallMs / 1000).toFixed(1)} s` },
    { measure: '  of which the model (token source calls)', value: `${(source.ms / 1000).toFixed(1)} s (${source.calls.toLocaleString('en-US')} calls)` },
    { measure: '  of which the simulation', value: `${((wallMs - source.ms) / 1000).toFixed(2)} s` },
    { measure: 'simulated time', value: `${(cluster.now() / 1000).toFixed(1)} s` },
  ]);
  cluster.stop();
  return figures;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchRagSplit();
