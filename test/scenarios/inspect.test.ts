// --inspect: the scenario serves the inspector bridge page and streams every actor's inspection
// events over the local WebSocket server, as a browser tab would receive them. Loopback only.

import { spawn, spawnSync } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCluster } from '../../src/actors/cluster.ts';
import type { InspectionEvent } from 'xstate';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('inspection', () => {
  it('reaches a custom observer with actor, event and snapshot events of the router and every worker', async () => {
    const seen = new Map<string, Set<string>>();
    const cluster = createCluster({
      workers: 3,
      inspect: (e: InspectionEvent) => {
        const id = (e.actorRef as { id?: string }).id ?? '?';
        if (!seen.has(id)) seen.set(id, new Set());
        seen.get(id)!.add(e.type);
      },
    });
    cluster.submit({ prompt: Array.from({ length: 40 }, (_, i) => i), maxTokens: 3 });
    await cluster.run();
    for (const id of ['router', 'worker-0', 'worker-1', 'worker-2']) {
      expect([...(seen.get(id) ?? [])], id).toEqual(expect.arrayContaining(['@xstate.actor', '@xstate.snapshot']));
    }
    expect([...seen.get('router')!]).toContain('@xstate.event');
  });

  it('rag.ts --inspect prints what to open, serves the page and streams inspection events', async () => {
    const port = 18_000 + (process.pid % 1_000);
    const child = spawn(join(root, 'node_modules/.bin/tsx'), [
      join(root, 'scenarios/rag.ts'), '--inspect', '--inspect-port', String(port), '--speed', '50',
      '--model', 'dummy', '--requests', '3', '--strategy', 'cache-aware', '--out', join(root, '.cache/test-inspect'),
    ], { cwd: root, env: { ...process.env, CI: 'true' } });
    let stdout = '';
    const received: { type?: string; actorRef?: { id?: string }; sessionId?: string }[] = [];
    const opened = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes(`open http://localhost:${port}`)) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await opened;
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('<iframe id="inspector"');
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString()) as (typeof received)[number]));
    expect(await exited).toBe(0);
    ws.close();
    expect(stdout).toContain('Running in real time at 50×');
    const types = new Set(received.map((m) => m.type));
    expect(types.has('@xstate.snapshot') || types.has('@xstate.event')).toBe(true);
    expect(received.length).toBeGreaterThan(10);
  }, 60_000);

  it('says in one line that --inspect-port is in use, before running anything', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const result = spawnSync(join(root, 'node_modules/.bin/tsx'), [
        join(root, 'scenarios/rag.ts'), '--inspect', '--inspect-port', String(port), '--model', 'dummy', '--requests', '3', '--strategy', 'cache-aware', '--out', join(root, '.cache/test-inspect-taken'),
      ], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 30_000 });
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toBe(`error: --inspect-port ${port}: already in use; pick another port`);
      expect(result.stdout).not.toContain('Stately inspector');
    } finally {
      taken.close();
    }
  }, 60_000);
});
