import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/actors/cluster.ts';
import { DriverError, closedLoop, feedDriver, openLoop, requestEnd, type SubmitTarget } from '../../src/workload/driver.ts';
import { WorkloadOptionError } from '../../src/workload/option-checks.ts';
import type { WorkloadRequest } from '../../src/workload/request.ts';
import { FakeTarget, runDriver } from './helpers.ts';

/** `n` requests 'q0'…, arriving 10 ms apart, with prompts [i, i, i]. */
const makeRequests = (n: number): WorkloadRequest[] =>
  Array.from({ length: n }, (_, i) => ({ id: `q${i}`, at: i * 10, prompt: [i, i, i], maxTokens: 1 + i, ignoreEos: true }));

// Compile-time contract: a cluster is a SubmitTarget (tsc checks this line; it never runs).
void ((cluster: Cluster): SubmitTarget => cluster);

describe('openLoop', () => {
  it('submits every request at start, each at the start time plus its arrival time', () => {
    const target = new FakeTarget();
    target.time = 1000;
    const driver = openLoop(makeRequests(3));
    driver.start(target);
    expect(target.submissions.map((s) => [s.id, s.at, s.calledAt])).toEqual([
      ['q0', 1000, 1000],
      ['q1', 1010, 1000],
      ['q2', 1020, 1000],
    ]);
    expect(driver.progress()).toEqual({ total: 3, submitted: 3, finished: 0, inFlight: 3, done: false });
  });

  it('passes only the fields a target takes', () => {
    const target = new FakeTarget();
    const request = { id: 'x', at: 0, prompt: [1], maxTokens: 2, text: 'hi', tenant: 't', ignoreEos: false };
    openLoop([request]).start(target);
    expect(target.submissions[0]).toEqual({ id: 'x', at: 0, prompt: [1], maxTokens: 2, tenant: 't', ignoreEos: false, calledAt: 0 });
  });

  it('is done when every request has finished, ignoring unknown and repeated ids', () => {
    const target = new FakeTarget();
    const driver = openLoop(makeRequests(2));
    driver.start(target);
    driver.onFinished('q0', { tokens: [] });
    driver.onFinished('q0', { tokens: [] });
    driver.onFinished('someone-else', { tokens: [] });
    expect(driver.progress()).toMatchObject({ finished: 1, inFlight: 1, done: false });
    driver.onFinished('q1', { tokens: [], status: 'rejected' });
    expect(driver.progress()).toMatchObject({ finished: 2, inFlight: 0, done: true });
  });

  it('refuses to start twice', () => {
    const driver = openLoop(makeRequests(1));
    driver.start(new FakeTarget());
    expect(() => driver.start(new FakeTarget())).toThrow(DriverError);
    expect(() => driver.start(new FakeTarget())).toThrow('this driver was already started; create a new driver for another run');
  });

  it('refuses a target that renames requests', () => {
    const target = new FakeTarget();
    target.submit = () => 'renamed';
    expect(() => openLoop(makeRequests(1)).start(target)).toThrow("the target renamed request 'q0' to 'renamed'");
  });
});

describe('closedLoop', () => {
  it('keeps exactly N requests in flight until the list runs out, then drains', () => {
    const target = new FakeTarget();
    const driver = closedLoop(makeRequests(20), { concurrency: 4 });
    const inFlight: number[] = [];
    // Uneven latencies, so requests finish out of submission order.
    runDriver(driver, target, { latency: (s) => 50 + ((s.maxTokens * 37) % 11) * 10, onStep: (n) => inFlight.push(n) });
    expect(inFlight).toEqual([...Array<number>(16).fill(4), 3, 2, 1, 0]);
    expect(driver.progress()).toEqual({ total: 20, submitted: 20, finished: 20, inFlight: 0, done: true });
  });

  it('submits in list order, each at the time another finished, ignoring arrival times', () => {
    const target = new FakeTarget();
    runDriver(closedLoop(makeRequests(5), { concurrency: 2 }), target, { latency: () => 100 });
    expect(target.submissions.map((s) => s.id)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    expect(target.submissions.map((s) => s.at)).toEqual([0, 0, 100, 100, 200]);
  });

  it('never exceeds N when a finish is reported inside submit (an immediate rejection)', () => {
    const target = new FakeTarget();
    const driver = closedLoop(makeRequests(10), { concurrency: 3 });
    const finished = new Set<string>();
    let maxInFlight = 0;
    target.onSubmit = (s) => {
      maxInFlight = Math.max(maxInFlight, target.submissions.length - finished.size);
      // Every odd request is rejected on the spot, as a cluster may do for a prompt too large.
      if (Number(s.id.slice(1)) % 2 === 1) {
        finished.add(s.id);
        driver.onFinished(s.id, { tokens: [], status: 'rejected' });
      }
    };
    driver.start(target);
    expect(maxInFlight).toBe(3);
    expect(driver.progress()).toMatchObject({ submitted: 5, inFlight: 3 });
    expect(target.submissions.map((s) => s.id)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
  });

  it('submits only what there is when N exceeds the list', () => {
    const target = new FakeTarget();
    closedLoop(makeRequests(2), { concurrency: 8 }).start(target);
    expect(target.submissions).toHaveLength(2);
  });

  it('names a bad concurrency', () => {
    expect(() => closedLoop([], { concurrency: 0 })).toThrow(WorkloadOptionError);
    expect(() => closedLoop([], { concurrency: 1.5 })).toThrow('concurrency is 1.5; expected an integer ≥ 1');
  });
});

describe('requestEnd and feedDriver', () => {
  it('read the end of a request from its message, with its tokens or its status, and nothing from other messages', () => {
    expect(requestEnd({ type: 'REQUEST.COMPLETED', at: 5, requestId: 'a', workerId: 0, outputTokens: 2, tokens: [1, 2], text: 'hi', finish: 'length' })).toEqual({ requestId: 'a', outcome: { tokens: [1, 2], text: 'hi' } });
    expect(requestEnd({ type: 'REQUEST.REJECTED', at: 5, requestId: 'b', workerId: null, code: 'too-large', reason: 'never fits' })).toEqual({ requestId: 'b', outcome: { tokens: [], status: 'rejected' } });
    expect(requestEnd({ type: 'REQUEST.FAILED', at: 5, requestId: 'c', workerId: 1, reason: 'no worker left' })).toEqual({ requestId: 'c', outcome: { tokens: [], status: 'failed' } });
    expect(requestEnd({ type: 'WORKER.DOWN', at: 5, workerId: 1, reason: 'killed' })).toBeUndefined();
  });

  it('tell a closed loop of rejections and failures too, so it sends the next request', () => {
    const driver = closedLoop(makeRequests(3), { concurrency: 1 });
    const target = new FakeTarget();
    driver.start(target);
    expect(feedDriver(driver, { type: 'REQUEST.REJECTED', at: 1, requestId: 'q0', workerId: null, code: 'too-large', reason: 'never fits' })).toBe(true);
    expect(feedDriver(driver, { type: 'REQUEST.FAILED', at: 2, requestId: 'q1', workerId: 0, reason: 'no worker left' })).toBe(true);
    expect(feedDriver(driver, { type: 'WORKER.DOWN', at: 3, workerId: 0, reason: 'killed' })).toBe(false);
    expect(target.submissions.map((s) => s.id)).toEqual(['q0', 'q1', 'q2']);
    expect(driver.progress()).toMatchObject({ submitted: 3, finished: 2 });
  });
});
