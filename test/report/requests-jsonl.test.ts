import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newRequestRecord, type RequestRecord } from '../../src/metrics/request-record.ts';
import { ReportInputError } from '../../src/report/errors.ts';
import { REQUEST_FIELDS, REQUESTS_FILE, requestsJsonl, writeRequestsJsonl, type RequestLine } from '../../src/report/requests-jsonl.ts';
import { admitted, failed, recorderOf, routed, served, submitted, tokens } from '../metrics/factories.ts';
import { REQUESTS, runInput, STRATEGIES } from './fixtures.ts';

const parse = (text: string): RequestLine[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as RequestLine);

/** The three fixture runs, records materialised as arrays. */
const sampleRuns = () => STRATEGIES.map((s) => runInput(s)).map(({ strategy, records }) => ({ strategy, records }));

describe('requestsJsonl', () => {
  it('writes one line per request and strategy, in run then submission order', () => {
    const text = requestsJsonl(sampleRuns());
    expect(text.endsWith('}\n')).toBe(true);
    const lines = parse(text);
    // 24 served requests and one rejected per strategy.
    expect(lines).toHaveLength(STRATEGIES.length * (REQUESTS + 1));
    expect(lines.map((l) => l.strategy)).toEqual(STRATEGIES.flatMap((s) => Array<string>(REQUESTS + 1).fill(s)));
    expect(lines.slice(0, REQUESTS + 1).map((l) => l.id)).toEqual([...Array.from({ length: REQUESTS }, (_, i) => `r${i}`), 'big']);
  });

  it('writes exactly the documented fields, always all of them, in a fixed order', () => {
    const text = requestsJsonl(sampleRuns());
    expect(REQUEST_FIELDS).toEqual([
      'strategy',
      'id',
      'worker',
      'servedBy',
      'attempts',
      'arrivalMs',
      'ttftMs',
      'e2eMs',
      'promptBlocks',
      'cachedBlocks',
      'computedBlocks',
      'outputTokens',
      'status',
      'predicted',
      'rule',
      'reason',
      'endCode',
      'endReason',
    ]);
    for (const line of text.trimEnd().split('\n')) expect(Object.keys(JSON.parse(line) as object)).toEqual(REQUEST_FIELDS);
  });

  it('gives a completed request its worker, latencies and blocks', () => {
    const [r0, r5] = parse(requestsJsonl(sampleRuns())).filter((l) => l.strategy === 'cache-aware' && (l.id === 'r0' || l.id === 'r5'));
    // served(): admitted at once, prefill 5 + 2.5 × 8 computed blocks, first token 15 ms later, then 2 more steps.
    expect(r0).toEqual({
      strategy: 'cache-aware',
      id: 'r0',
      worker: 0,
      servedBy: 0,
      attempts: 1,
      arrivalMs: 0,
      ttftMs: 40,
      e2eMs: 70,
      promptBlocks: 8,
      cachedBlocks: 0,
      computedBlocks: 8,
      outputTokens: 3,
      status: 'completed',
      predicted: 0,
      rule: 'longest-prefix',
      reason: 'longest-prefix: matched 0',
      endCode: null,
      endReason: null,
    });
    // r5 was preempted once: the first admission's blocks and latencies still stand.
    expect(r5).toMatchObject({ id: 'r5', worker: 1, arrivalMs: 200, cachedBlocks: 6, computedBlocks: 2, promptBlocks: 8, status: 'completed' });
  });

  it('writes null for what a rejected request never had, and why it was refused', () => {
    const big = parse(requestsJsonl(sampleRuns())).find((l) => l.id === 'big');
    expect(big).toEqual({
      strategy: 'cache-aware',
      id: 'big',
      worker: null,
      servedBy: null,
      attempts: 0,
      arrivalMs: 100,
      ttftMs: null,
      e2eMs: null,
      promptBlocks: Math.ceil(20_000 / 16),
      cachedBlocks: null,
      computedBlocks: null,
      outputTokens: 0,
      status: 'rejected',
      predicted: null,
      rule: null,
      reason: null,
      endCode: 'too-large',
      endReason: 'too-large: prompt needs 1000 blocks; a worker has 924',
    });
  });

  it('covers every status: completed, rejected, failed, pending', () => {
    const recorder = recorderOf([
      ...served('done', { worker: 2, at: 0, cached: 1, computed: 2 }),
      submitted('queued', 5, 40),
      routed('queued', 5, 3, 1),
      submitted('started', 6, 33),
      routed('started', 6, 1),
      admitted('started', 8, 1, 0, 3),
      tokens('started', 20, 1, 2),
      failed('started', 30, 1),
      submitted('lost', 7, 16),
      failed('lost', 9),
    ]);
    const lines = parse(requestsJsonl([{ strategy: 's', records: recorder.records() }]));
    expect(lines.map((l) => [l.id, l.status])).toEqual([
      ['done', 'completed'],
      ['queued', 'pending'],
      ['started', 'failed'],
      ['lost', 'failed'],
    ]);
    const [, queued, started, lost] = lines;
    // Routed, never admitted: a worker but no blocks.
    expect(queued).toMatchObject({ worker: 3, predicted: 1, rule: 'longest-prefix', reason: 'longest-prefix: matched 1', promptBlocks: 3, cachedBlocks: null, computedBlocks: null, ttftMs: null, e2eMs: null, outputTokens: 0 });
    // Failed after its first tokens: TTFT known, e2e not.
    expect(started).toMatchObject({ worker: 1, promptBlocks: 3, cachedBlocks: 0, computedBlocks: 3, ttftMs: 14, e2eMs: null, outputTokens: 2 });
    // Never routed.
    expect(lost).toMatchObject({ worker: null, promptBlocks: 1, ttftMs: null });
    // A failure says why, without a rejection code; a request still running says nothing yet.
    expect([started, lost].map((l) => [l?.endCode, l?.endReason])).toEqual([[null, 'worker down'], [null, 'worker down']]);
    expect(queued).toMatchObject({ endCode: null, endReason: null });
  });

  it('counts prompt blocks with the block size given', () => {
    const record = newRequestRecord('a', 0, 33, 1);
    expect(parse(requestsJsonl([{ strategy: 's', records: [record] }]))[0]?.promptBlocks).toBe(3);
    expect(parse(requestsJsonl([{ strategy: 's', records: [record] }], { blockSize: 32 }))[0]?.promptBlocks).toBe(2);
    expect(parse(requestsJsonl([{ strategy: 's', records: [record] }], { blockSize: 64 }))[0]?.promptBlocks).toBe(1);
    expect(() => requestsJsonl([], { blockSize: 0 })).toThrow(ReportInputError);
    expect(() => requestsJsonl([], { blockSize: 1.5 })).toThrow(/blockSize/);
  });

  it('rounds numbers like results.json and escapes names', () => {
    const record: RequestRecord = { ...newRequestRecord('say "hi"\n', 0.1 + 0.2, 16, 1), firstTokenAt: 1 / 3 + 0.1 + 0.2, state: 'pending' };
    const text = requestsJsonl([{ strategy: 'a\\b', records: [record] }]);
    expect(text).toBe(
      '{"strategy":"a\\\\b","id":"say \\"hi\\"\\n","worker":null,"servedBy":null,"attempts":0,"arrivalMs":0.3,"ttftMs":0.333333,"e2eMs":null,' +
        '"promptBlocks":1,"cachedBlocks":null,"computedBlocks":null,"outputTokens":0,"status":"pending",' +
        '"predicted":null,"rule":null,"reason":null,"endCode":null,"endReason":null}\n',
    );
    expect(parse(text)[0]).toMatchObject({ strategy: 'a\\b', id: 'say "hi"\n' });
  });

  it('refuses a number that is not finite', () => {
    const record = { ...newRequestRecord('x', Number.NaN, 16, 1) };
    expect(() => requestsJsonl([{ strategy: 's', records: [record] }])).toThrow(/request 'x'.*NaN/);
  });

  it('is byte-identical for the same records, and empty for none', () => {
    expect(requestsJsonl(sampleRuns())).toBe(requestsJsonl(sampleRuns()));
    expect(requestsJsonl([])).toBe('');
    expect(requestsJsonl([{ strategy: 's', records: [] }])).toBe('');
  });

  it('stays fast for 12,000 requests × 4 strategies', () => {
    const records = Array.from({ length: 12_000 }, (_, i) => ({
      ...newRequestRecord(`req-${i}`, i * 7.25, 100 + (i % 900), 16),
      state: 'completed' as const,
      workerId: i % 8,
      admittedAt: i * 7.25 + 1,
      cachedBlocks: i % 5,
      computedBlocks: 3,
      firstTokenAt: i * 7.25 + 40.125,
      completedAt: i * 7.25 + 300.5,
      outputTokens: 16,
    }));
    const runs = ['cache-aware', 'round-robin', 'least-loaded', 'random'].map((strategy) => ({ strategy, records }));
    const start = performance.now();
    const text = requestsJsonl(runs);
    const ms = performance.now() - start;
    expect(text.split('\n')).toHaveLength(48_001);
    expect(ms, `${ms.toFixed(0)} ms`).toBeLessThan(2_000);
  });
});

describe('writeRequestsJsonl', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes requests.jsonl into a new directory and returns its path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-requests-'));
    dirs.push(dir);
    const runs = sampleRuns();
    const path = await writeRequestsJsonl(join(dir, 'out', 'rag'), runs, { blockSize: 16 });
    expect(path).toBe(join(dir, 'out', 'rag', REQUESTS_FILE));
    expect(await readFile(path, 'utf8')).toBe(requestsJsonl(runs));
  });
});
