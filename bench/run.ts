// `npm run bench`: every benchmark of the project, one after another, printing its figures.
// Pass names to run only some: `npm run bench -- cache`.

import { benchCache } from './cache.ts';
import { benchClock } from './clock.ts';
import { benchRouting } from './routing.ts';
import { benchModel } from './model.ts';
import { benchCluster } from './cluster.ts';
import { benchRagSplit } from './rag-split.ts';
import { benchSoak } from './soak.ts';
import { benchProcess } from './process.ts';
import { benchJobs } from './jobs.ts';
import { benchSweep } from './sweep.ts';

const benches: Record<string, () => Promise<unknown>> = {
  cache: benchCache,
  clock: benchClock,
  routing: benchRouting,
  cluster: benchCluster,
  model: benchModel,
  'rag-split': benchRagSplit,
  soak: benchSoak,
  process: benchProcess,
  jobs: benchJobs,
  sweep: benchSweep,
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown bench '${unknown.join("', '")}'; valid: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length === 0 || wanted.includes(name)) await run();
}
