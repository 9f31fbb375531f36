// What every scenario does around its workload: build it from the flags, run the experiment, and
// turn known errors into one line and a non-zero exit.

import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { SimulatorError } from '../../src/errors.ts';
import { memoizeTokens } from '../../src/model/memo-source.ts';
import type { InspectionEvent, Observer } from 'xstate';
import { clusterFromFlags } from './cluster-flags.ts';
import { checkDashboardFlags, startScenarioDashboard } from './dashboard.ts';
import { checkOutputFolder } from './output-folder.ts';
import { experimentPool, extraThreads, runExperiment } from './experiment.ts';
import { limitHeapGrowth } from './heap-growth.ts';
import { defaultJobs } from './options.ts';
import { buildWorkload, type ScenarioFlags, type ScenarioName } from './workloads.ts';

/** Builds the scenario's workload from `flags`, runs it under every --strategy and writes the results. */
export async function runScenario<S extends ScenarioName>(scenario: S, flags: ScenarioFlags[S]): Promise<void> {
  const { cluster, config } = clusterFromFlags(flags);
  checkDashboardFlags(flags);
  const out = resolve(flags.out ?? `results/${scenario}`);
  await checkOutputFolder(out);
  const dashboard = await startScenarioDashboard(scenario, flags, cluster.faults ?? []);
  // The inspector and the dashboard watch the clusters of this thread: with them, runs stay here, one after another.
  const watched = flags.inspect || dashboard !== undefined;
  const pool = experimentPool(extraThreads(watched ? 1 : defaultJobs(flags), flags.strategy.length));
  let workload;
  try {
    workload = await buildWorkload(scenario, flags);
  } catch (error) {
    await pool?.destroy();
    await dashboard?.close();
    throw error;
  }
  if (workload.notice !== undefined && !flags.quiet) console.error(workload.notice);
  const inspection = flags.inspect ? await startInspector(flags.inspectPort, flags.speed ?? 1) : undefined;
  // The wall clock paces the run for the inspector (1× by default), and for the dashboard only when --speed is given.
  const speed = inspection !== undefined ? (flags.speed ?? 1) : dashboard !== undefined ? flags.speed : undefined;
  try {
    await runExperiment({
      scenario,
      seed: flags.seed,
      strategies: flags.strategy,
      cluster: {
        ...cluster,
        ...(speed === undefined ? {} : { clock: 'realtime' as const, speed }),
        ...(inspection === undefined ? {} : { inspect: inspection.inspect }),
      },
      // Every strategy runs the same requests: the model's answers are computed once and read back
      // (one strategy alone has nothing to read back, and the memory would hold every sequence).
      tokens: flags.strategy.length > 1 ? memoizeTokens(workload.tokens) : workload.tokens,
      driver: workload.driver,
      config: { ...workload.config, model: workload.tokens.name, ...config },
      out,
      quiet: flags.quiet,
      pool,
      task: (strategy) => ({ kind: 'strategy', scenario, flags, strategy }),
      ...(dashboard === undefined ? {} : { watch: dashboard.watch }),
    });
    await dashboard?.finish();
  } finally {
    inspection?.stop();
    await dashboard?.close();
  }
}

/**
 * The Stately inspector for a run: a local server that a browser opens, and a WebSocket client
 * that every actor reports to. The page frames the inspector web app (stately.ai/inspect), so the
 * browser needs the internet; the simulation itself stays offline.
 */
async function startInspector(port: number, speed: number): Promise<{ inspect: Observer<InspectionEvent>; stop(): void }> {
  await checkPortFree(port);
  // Loaded only with --inspect: a server and a WebSocket client most runs never need.
  const [{ createWebSocketInspector }, { createInspectorServer }] = await Promise.all([import('@statelyai/inspect'), import('@statelyai/inspect/server')]);
  const server = createInspectorServer({ port, autoOpen: false });
  const inspector = createWebSocketInspector({ url: `ws://localhost:${port}` });
  console.log(`Stately inspector: open http://localhost:${port} in a browser (that page loads the inspector web app, so the browser needs the internet).`);
  console.log(`Running in real time at ${speed}× so the router and the workers can be watched as they change.`);
  return {
    inspect: inspector.inspect,
    stop() {
      inspector.stop();
      server.stop();
    },
  };
}

/** The inspector's port could not be listened on; the message names it and why. */
class InspectorPortError extends SimulatorError {
  override readonly name = 'InspectorPortError';
}

/** Listens on `port` for a moment: a port in use is one line before anything runs (the inspector's server would crash on it later). */
async function checkPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'already in use' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(new InspectorPortError(`--inspect-port ${port}: ${why}; pick another port`));
    });
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

/** Runs `main`, printing the simulator's own errors as one line (no stack; anything else is a bug and keeps its stack) and exiting with 1. */
export function runMain(main: () => Promise<void>): void {
  limitHeapGrowth();
  // A closed stdout (`… | head`) ends the run quietly: nobody reads what is left.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  main().then(
    () => process.exit(), // with process.exitCode, if main set one (a run that served nothing)
    (error: unknown) => {
      const known = error instanceof SimulatorError;
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      if (!known && error instanceof Error && error.stack !== undefined) console.error(error.stack);
      process.exit(1);
    },
  );
}
