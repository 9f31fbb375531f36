// The live dashboard's server: one page and one stream of server-sent events, on the loopback
// interface only. It follows one cluster at a time (the strategies of a comparison in turn): each
// bus message folds into the run's DashboardState, and at most `intervalMs` apart (wall time) the
// state, with a sample of the cluster's queues and caches, goes to every open page as one JSON
// snapshot. It never sends anything to the cluster.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Observable } from 'rxjs';
import { SimulatorError, fsReason } from '../errors.ts';
import type { Message } from '../messages.ts';
import { DashboardState, type ClusterSample, type Stall } from './dashboard-state.ts';
import { dashboardPage } from './page.ts';
import type { DashboardSnapshot, FinishedRun } from './snapshot.ts';
import { createThrottle, type ThrottleTimers } from './throttle.ts';

/** The port could not be listened on; the message names it and why. */
export class DashboardPortError extends SimulatorError {
  override readonly name = 'DashboardPortError';
}

export interface DashboardOptions {
  /** 0: any free port (read the chosen one from `url`). */
  readonly port: number;
  readonly scenario: string;
  /** The strategies that will run, in order. */
  readonly strategies: readonly string[];
  /** Least wall time between two snapshots; 100 ms (10 a second) by default. */
  readonly intervalMs?: number;
  /** How errors name the port, e.g. the flag that set it. */
  readonly portName?: string;
  /** For tests: fake timers for the throttle. */
  readonly timers?: ThrottleTimers;
}

/** What the dashboard reads of a cluster (createCluster's result has it all). */
export interface WatchedCluster {
  readonly events$: Observable<Message>;
  readonly workerCount: number;
  readonly blockSize: number;
  snapshot(): ClusterSample;
}

export interface Dashboard {
  /** The page's address, e.g. http://127.0.0.1:4400/ */
  readonly url: string;
  /** Follows a cluster's run from now until its events end (call before it runs). */
  watch(cluster: WatchedCluster, run: { readonly strategy: string; readonly stalls?: readonly Stall[] }): void;
  /** Every run ended: the final snapshot goes out, and open pages stop listening. */
  done(): void;
  /** Closes the server and every stream. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Starts the server on 127.0.0.1; rejects with DashboardPortError if the port is taken or refused. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const clients = new Set<ServerResponse>();
  const finished: FinishedRun[] = [];
  // Before the first run: its name, and no worker yet.
  let state = new DashboardState({ scenario: options.scenario, strategy: options.strategies[0] ?? '', runIndex: 1, runCount: options.strategies.length, workers: 0, blockSize: 1 });
  let sample: (() => ClusterSample) | null = null;
  let status: DashboardSnapshot['status'] = 'waiting';
  let latest: string | null = null;
  let closed: Promise<void> | null = null;

  const snapshot = (): DashboardSnapshot => ({ ...state.view(sample?.()), status, finished: [...finished] });
  const send = (event: string, data: string): void => {
    for (const client of clients) client.write(`event: ${event}\ndata: ${data}\n\n`);
  };
  /** Open pages stop listening instead of reconnecting. */
  const endClients = (): void => {
    for (const client of clients) client.end('event: end\ndata: {}\n\n');
    clients.clear();
  };
  const draw = (): void => {
    latest = JSON.stringify(snapshot());
    send('snapshot', latest);
  };
  const throttle = createThrottle(draw, options.intervalMs ?? 100, options.timers);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Loopback only, and only under a loopback name: a page of another site cannot reach it by DNS rebinding.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (host !== HOST && host !== 'localhost') {
      res.writeHead(403).end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        // The page is self-contained: it may talk to this server and nothing else.
        'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
      });
      res.end(dashboardPage());
    } else if (path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write('retry: 2000\n\n');
      res.write(`event: snapshot\ndata: ${latest ?? JSON.stringify(snapshot())}\n\n`);
      if (status === 'done') res.end('event: end\ndata: {}\n\n');
      else {
        clients.add(res);
        // A page closed or reloaded: stop writing to it (the response's close, not the request's).
        res.on('close', () => clients.delete(res));
        res.on('error', () => clients.delete(res));
      }
    } else if (path === '/snapshot.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(latest ?? JSON.stringify(snapshot()));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = fsReason(error, { EADDRINUSE: 'already in use', EACCES: 'permission denied (ports below 1024 need privileges)' });
      reject(new DashboardPortError(`${options.portName ?? 'dashboard port'} ${options.port}: ${why}; pick another port, or 0 for any free one`));
    });
    server.listen(options.port, HOST, () => resolve());
  });
  const url = `http://${HOST}:${(server.address() as AddressInfo).port}/`;

  return {
    url,
    watch(cluster, run) {
      const runState = new DashboardState({
        scenario: options.scenario,
        strategy: run.strategy,
        runIndex: finished.length + 1,
        runCount: options.strategies.length,
        workers: cluster.workerCount,
        blockSize: cluster.blockSize,
        ...(run.stalls === undefined ? {} : { stalls: run.stalls }),
      });
      state = runState;
      sample = () => cluster.snapshot();
      status = 'running';
      cluster.events$.subscribe({
        next(message) {
          runState.observe(message);
          throttle.poke();
        },
        complete() {
          // The run is over (the cluster stopped): its final picture goes out at once, at the time
          // of its last message (a real-time clock keeps running after the run).
          const final = cluster.snapshot();
          sample = () => ({ ...final, now: runState.latestAt });
          throttle.flush();
          finished.push({ strategy: run.strategy, totals: runState.totals(), simulatedMs: runState.latestAt });
        },
      });
    },
    done() {
      if (status === 'done') return;
      status = 'done';
      throttle.flush();
      endClients(); // the server is about to close
    },
    close() {
      if (closed !== null) return closed;
      throttle.cancel();
      endClients();
      closed = new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
