// The dashboard's server: the page on 127.0.0.1, a run streamed to it as server-sent events, the
// final state when the run ends, and a run watched exactly as it runs unwatched.

import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster } from '../../src/actors/cluster.ts';
import { DashboardPortError, startDashboard, type Dashboard } from '../../src/dashboard/server.ts';
import type { DashboardSnapshot } from '../../src/dashboard/snapshot.ts';
import type { Message } from '../../src/messages.ts';

/** A small cluster with `n` requests sharing a prefix, submitted 5 ms apart. */
function smallRun(n = 8): Cluster {
  const cluster = createCluster({ workers: 2, seed: 5 });
  const shared = Array.from({ length: 48 }, (_, i) => i);
  for (let i = 0; i < n; i++) cluster.submit({ id: `q${i}`, prompt: [...shared, ...Array.from({ length: 10 + i }, (_, j) => 900 + 40 * i + j)], maxTokens: 3 }, i * 5);
  return cluster;
}

/** Runs `body` with a dashboard on any free port, closed afterwards. */
async function withDashboard(intervalMs: number, body: (dashboard: Dashboard) => Promise<void>): Promise<void> {
  const dashboard = await startDashboard({ port: 0, scenario: 'rag', strategies: ['cache-aware'], intervalMs });
  try {
    await body(dashboard);
  } finally {
    await dashboard.close();
  }
}

/** Runs `cluster` to the end under `dashboard`'s eyes, then marks every run done. */
async function runWatched(dashboard: Dashboard, cluster: Cluster): Promise<Cluster> {
  dashboard.watch(cluster, { strategy: 'cache-aware' });
  await cluster.run();
  cluster.stop();
  dashboard.done();
  return cluster;
}

/** Reads server-sent events from `url` until an `end` event (or the stream closes). */
async function readEvents(url: string): Promise<{ event: string; data: string }[]> {
  const response = await fetch(url);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: string }[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += decoder.decode(value, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event !== undefined && data !== undefined) events.push({ event, data });
      if (event === 'end') {
        await reader.cancel();
        return events;
      }
    }
  }
}

describe('startDashboard', () => {
  it('serves one self-contained page on 127.0.0.1 that may load nothing from elsewhere', async () => {
    const dashboard = await startDashboard({ port: 0, scenario: 'rag', strategies: ['cache-aware'] });
    try {
      expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const response = await fetch(dashboard.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await response.text();
      expect(html).toContain('<script>');
      expect(html.match(/(?:src|href)="(?!data:)[^"]*"/g) ?? [], 'no file loaded by address').toEqual([]);
      expect(html).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
      expect((await fetch(`${dashboard.url}nothing`)).status).toBe(404);
    } finally {
      await dashboard.close();
    }
  });

  it('streams snapshots of the run it watches, and its final state once every run is done', async () => {
    await withDashboard(10, async (dashboard) => {
      const stream = readEvents(`${dashboard.url}events`);
      const cluster = await runWatched(dashboard, smallRun(8));
      const events = await stream;
      expect(events.at(-1)!.event).toBe('end');
      const last = JSON.parse(events.filter((e) => e.event === 'snapshot').at(-1)!.data) as DashboardSnapshot;
      expect(last.status).toBe('done');
      expect(last.totals.completed).toBe(8);
      expect(last.workers.map((w) => w.status)).toEqual(['idle', 'idle']);
      expect(last.workers.map((w) => w.cache?.used), 'no block in use once every request ended').toEqual([0, 0]);
      expect(last.workers.reduce((n, w) => n + (w.cache?.cachedFree ?? 0), 0), 'the prompts stay cached').toBeGreaterThan(0);
      expect(last.finished.map((r) => [r.strategy, r.totals.completed])).toEqual([['cache-aware', 8]]);
      expect(last.now).toBe(cluster.now());
    });
  });

  it('carries on when a page goes away mid-run', async () => {
    await withDashboard(0, async (dashboard) => {
      const leaving = new AbortController();
      const response = await fetch(`${dashboard.url}events`, { signal: leaving.signal });
      await response.body!.getReader().read();
      leaving.abort();
      await runWatched(dashboard, smallRun(8));
      const last = JSON.parse(await (await fetch(`${dashboard.url}snapshot.json`)).text()) as DashboardSnapshot;
      expect([last.status, last.totals.completed]).toEqual(['done', 8]);
    });
  });

  it('leaves the run as it was: the same messages, watched or not', async () => {
    const messagesOf = (cluster: Cluster): Message[] => {
      const seen: Message[] = [];
      cluster.events$.subscribe((m) => seen.push(m));
      return seen;
    };
    const plainRun = smallRun(12);
    const plain = messagesOf(plainRun);
    await plainRun.run();
    plainRun.stop();
    const watchedRun = smallRun(12);
    const watched = messagesOf(watchedRun);
    await withDashboard(0, (dashboard) => runWatched(dashboard, watchedRun).then(() => undefined));
    expect(plain.length).toBeGreaterThan(50);
    expect(JSON.stringify(watched)).toBe(JSON.stringify(plain));
  });

  it('says in one line that the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const started = startDashboard({ port, scenario: 'rag', strategies: ['cache-aware'], portName: '--dashboard' });
      await expect(started).rejects.toThrow(DashboardPortError);
      await expect(started).rejects.toThrow(`--dashboard ${port}: already in use; pick another port, or 0 for any free one`);
    } finally {
      taken.close();
    }
  });
});
