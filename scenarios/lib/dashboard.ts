// `--dashboard [port]`: the live dashboard for a scenario's runs, as the command line starts,
// announces and (with --dashboard-hold, or in an interactive terminal) keeps it.

import type { WorkerFaultSpec } from '../../src/actors/faults.ts';
import { SimulatorError } from '../../src/errors.ts';
import type { StrategyName } from '../../src/routing/strategies.ts';
import type { Experiment } from './experiment.ts';
import type { CommonOptions } from './options.ts';

/** A flag that --dashboard cannot go with; the message says what to do. */
class DashboardFlagError extends SimulatorError {
  override readonly name = 'DashboardFlagError';
}

export interface ScenarioDashboard {
  /** What runExperiment calls with each run's cluster. */
  readonly watch: NonNullable<Experiment['watch']>;
  /** Marks the runs done; then holds the page until Ctrl-C if asked. */
  finish(): Promise<void>;
  /** Closes the server (again: nothing). */
  close(): Promise<void>;
}

/** Refuses flags that cannot go with --dashboard, before anything starts. */
export function checkDashboardFlags(flags: CommonOptions): void {
  if (flags.dashboard === undefined) return;
  if (flags.jobs !== undefined && flags.jobs > 1) {
    throw new DashboardFlagError(`--dashboard follows one cluster at a time, so the strategies run one after another: drop --jobs ${flags.jobs}`);
  }
}

/** Starts the dashboard of --dashboard (a port in use: DashboardPortError, one line) and prints its address. */
export async function startScenarioDashboard(scenario: string, flags: CommonOptions, faults: readonly WorkerFaultSpec[]): Promise<ScenarioDashboard | undefined> {
  if (flags.dashboard === undefined) return undefined;
  // Loaded only with --dashboard: an HTTP server most runs never need.
  const { startDashboard } = await import('../../src/dashboard/server.ts');
  const dashboard = await startDashboard({ port: flags.dashboard, portName: '--dashboard', scenario, strategies: flags.strategy });
  const pace = flags.speed === undefined ? 'at full speed (give --speed 1 to watch in real time)' : `in real time at ${flags.speed}×`;
  // With --quiet, stdout is the results path alone; the address still has to reach the person.
  const say = flags.quiet ? console.error : console.log;
  say(`Live dashboard: open ${dashboard.url} in a browser (this machine only); running ${pace}.`);
  const stalls = faults.filter((f) => f.kind === 'stall');
  const hold = flags.dashboardHold ?? (process.stdout.isTTY === true && process.stdin.isTTY === true);
  return {
    watch: (cluster, strategy: StrategyName) => dashboard.watch(cluster, { strategy, stalls }),
    async finish() {
      dashboard.done();
      if (hold) {
        say(`The dashboard stays at ${dashboard.url} with the final state; Ctrl-C to quit.`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
      }
    },
    close: () => dashboard.close(),
  };
}
