// A cluster embedded in a small HTTP server: POST /generate runs one request through a simulated
// cluster paced by the wall clock, and answers with the generated text, the worker that served it,
// why the router chose that worker, and the request's latencies in *virtual* ms.
//
//   npx tsx examples/http-server.ts                      # starts, sends 6 requests to itself, stops
//   npx tsx examples/http-server.ts --serve --port 8080  # keeps serving until Ctrl-C, then:
//   curl -s localhost:8080/generate -d '{"prompt":"Hello there","maxTokens":16}'
//
// How a request gets run. A real-time cluster paces the same timers as a virtual one by the wall
// clock (× `speed`), but its clock stands still until `cluster.run()` is first called; from then on
// it keeps firing timers as they fall due, and each `run()` resolves when the whole cluster is
// idle (or rejects if an actor failed). A server therefore:
//   1. watches `events$` once, sorting messages by request id (RequestTracker below);
//   2. registers the request's id with the tracker *before* submitting it;
//   3. submits it (at the present virtual time) and calls `run()`, which starts the clock on the
//      first call and reports actor failures; the answer is whichever comes first: the request's
//      own end (COMPLETED / REJECTED / FAILED) or a failure of the cluster.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  InvalidRequestError,
  createCluster,
  type Cluster,
  type Message,
  type RequestId,
  type RoutingDecision,
  type TokenSource,
} from 'stateful-cache-router';
import { loadTokenSource } from 'stateful-cache-router/model';

/** The body of POST /generate. */
export interface GenerateRequest {
  readonly prompt: string;
  readonly maxTokens?: number;
}

/** The answer of POST /generate. Times are virtual ms, from the request's submission. */
export interface GenerateResponse {
  readonly id: RequestId;
  readonly text: string;
  /** The generated token ids. */
  readonly tokens: readonly number[];
  readonly worker: number;
  readonly decision: Omit<RoutingDecision, 'workerId'>;
  /** Leading prompt blocks the worker found in its KV cache. */
  readonly cachedBlocks: number;
  readonly ttftMs: number;
  readonly e2eMs: number;
}

/** Thrown for a request that the cluster rejected or failed. */
export class GenerateError extends Error {
  override readonly name = 'GenerateError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** What is known of one request in flight, gathered from the bus. */
interface Tracked {
  submittedAt?: number;
  routed?: RoutingDecision;
  cachedBlocks?: number;
  firstTokenAt?: number;
  resolve(response: GenerateResponse): void;
  reject(error: Error): void;
}

/**
 * One subscription to `events$` for the whole server: each message about a request being tracked
 * updates it, O(1) per message however many requests are in flight.
 */
class RequestTracker {
  private readonly tracked = new Map<RequestId, Tracked>();

  constructor(cluster: Cluster) {
    cluster.events$.subscribe({
      next: (message) => this.observe(message),
      // stop() completes events$: whatever is still in flight will never finish.
      complete: () => this.failAll(new GenerateError('the cluster was stopped', 503)),
    });
  }

  /** The request's outcome; call before submitting it, so that no message is missed. */
  track(id: RequestId): Promise<GenerateResponse> {
    return new Promise((resolve, reject) => this.tracked.set(id, { resolve, reject }));
  }

  forget(id: RequestId): void {
    this.tracked.delete(id);
  }

  private observe(message: Message): void {
    const id = message.type === 'REQUEST.SUBMITTED' || message.type === 'REQUEST.ROUTED' ? message.request.id : 'requestId' in message ? message.requestId : undefined;
    const entry = id === undefined ? undefined : this.tracked.get(id);
    if (id === undefined || entry === undefined) return;
    switch (message.type) {
      case 'REQUEST.SUBMITTED':
        entry.submittedAt = message.at;
        break;
      case 'REQUEST.ROUTED':
        entry.routed = message.decision;
        break;
      case 'REQUEST.ADMITTED':
        entry.cachedBlocks ??= message.cachedBlocks; // the first admission (a preemption re-admits)
        break;
      case 'REQUEST.TOKENS':
        if (message.offset === 0) entry.firstTokenAt ??= message.at;
        break;
      case 'REQUEST.COMPLETED': {
        this.tracked.delete(id);
        const submittedAt = entry.submittedAt ?? message.at;
        const { workerId, ...decision } = entry.routed ?? { workerId: message.workerId, rule: 'unknown', reason: '', predictedBlocks: 0 };
        entry.resolve({
          id,
          text: message.text ?? '',
          tokens: message.tokens,
          worker: workerId,
          decision,
          cachedBlocks: entry.cachedBlocks ?? 0,
          ttftMs: (entry.firstTokenAt ?? message.at) - submittedAt,
          e2eMs: message.at - submittedAt,
        });
        break;
      }
      case 'REQUEST.REJECTED':
        this.tracked.delete(id);
        entry.reject(new GenerateError(`rejected (${message.code}): ${message.reason}`, message.code === 'no-worker' ? 503 : 422));
        break;
      case 'REQUEST.FAILED':
        this.tracked.delete(id);
        entry.reject(new GenerateError(`failed: ${message.reason}`, 500));
        break;
      default:
        break;
    }
  }

  private failAll(error: Error): void {
    for (const entry of this.tracked.values()) entry.reject(error);
    this.tracked.clear();
  }
}

/** A cluster and the function that runs one prompt through it. */
export interface Generator {
  readonly cluster: Cluster;
  generate(request: GenerateRequest): Promise<GenerateResponse>;
}

/** A generator that submits each prompt to `cluster` now and waits for its end. */
export function createGenerator(cluster: Cluster, tokens: TokenSource): Generator {
  const encode = tokens.encode?.bind(tokens);
  if (encode === undefined) throw new Error(`token source '${tokens.name}' has no tokenizer; use one with encode(), e.g. loadTokenSource('dummy')`);
  const tracker = new RequestTracker(cluster);
  let next = 1;
  return {
    cluster,
    async generate({ prompt, maxTokens = 16 }) {
      const id = `http-${next++}`;
      const outcome = tracker.track(id);
      try {
        cluster.submit({ id, prompt: encode(prompt), maxTokens }); // now, on the cluster's clock
      } catch (error) {
        tracker.forget(id); // never submitted: InvalidRequestError names the bad field
        throw error instanceof InvalidRequestError ? new GenerateError(error.message, 400) : error;
      }
      // run() starts the real-time clock (only the first call does) and rejects if an actor fails.
      // It resolves when the *whole* cluster is idle, so it is not this request's answer: the
      // request's own end usually comes first, and if run() resolves first the end is already in.
      return Promise.race([outcome, cluster.run().then(() => outcome)]);
    },
  };
}

/** Reads a JSON body of at most `limit` bytes. */
async function readJson(req: IncomingMessage, limit = 1 << 20): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new GenerateError(`body larger than ${limit} bytes`, 413);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new GenerateError('body is not JSON', 400);
  }
}

function parseBody(body: unknown): GenerateRequest {
  if (typeof body !== 'object' || body === null) throw new GenerateError('expected a JSON object { "prompt": "...", "maxTokens": 16 }', 400);
  const { prompt, maxTokens } = body as Record<string, unknown>;
  if (typeof prompt !== 'string' || prompt.length === 0) throw new GenerateError('prompt: expected a non-empty string', 400);
  if (maxTokens !== undefined && typeof maxTokens !== 'number') throw new GenerateError('maxTokens: expected a number', 400);
  return maxTokens === undefined ? { prompt } : { prompt, maxTokens };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** An HTTP server with one route, POST /generate, answered by `generator`. */
export function createGenerateServer(generator: Generator): Server {
  return createServer((req, res) => {
    if (req.url !== '/generate') return send(res, 404, { error: 'not found; POST /generate' });
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
    readJson(req)
      .then((body) => generator.generate(parseBody(body)))
      .then(
        (answer) => send(res, 200, answer),
        (error: unknown) => {
          const status = error instanceof GenerateError ? error.status : 500;
          send(res, status, { error: error instanceof Error ? error.message : String(error) });
        },
      );
  });
}

export interface HttpExampleOptions {
  /** Port to listen on (on 127.0.0.1); 0 for any free port. Default 0. */
  readonly port?: number;
  /** Requests the example sends to itself; the first alone, the rest at once. Default 6. */
  readonly requests?: number;
  readonly workers?: number;
  /** Virtual ms per wall ms. Default 1000: a 16-token answer (~300 virtual ms) takes well under a wall ms of compute time. */
  readonly speed?: number;
  /** Token source: 'dummy' (default; seeded tokens, GPT-2 text) or 'tiny' (a tiny GPT-2, slower to load). */
  readonly model?: string;
  /** Keep serving until SIGINT instead of sending requests and closing. */
  readonly serve?: boolean;
  /** Print the answers (default true). */
  readonly log?: boolean;
}

export interface HttpExampleResult {
  readonly url: string;
  readonly workers: number;
  readonly responses: readonly GenerateResponse[];
}

// A shared system prompt of about 130 GPT-2 tokens (8 blocks of 16): later requests find it cached.
const SYSTEM =
  'You are a concise assistant for a small bicycle shop in the old town. Answer questions about ' +
  'repairs, spare parts, rentals and opening hours in one or two sentences. The shop is open from ' +
  'Tuesday to Saturday, nine to six, and on Sundays from ten to two. Repairs are booked at the ' +
  'counter or by phone; simple repairs such as a flat tyre are done while the customer waits. ' +
  'Never invent prices: say that the staff will give a quote. If a question is not about bicycles, ' +
  'say politely that you can only help with the shop.\n\nQuestion: ';
const QUESTIONS = ['How do I fix a flat tyre?', 'When are you open on Sundays?', 'Do you sell chains?', 'Can you true a wheel?', 'What is a derailleur?', 'Do you repair e-bikes?'];

export async function main(options: HttpExampleOptions = {}): Promise<HttpExampleResult> {
  const { port = 0, requests = 6, workers = 4, speed = 1000, model = 'dummy', serve = false, log = true } = options;
  const tokens = await loadTokenSource(model);
  const cluster = createCluster({ workers, strategy: 'cache-aware', tokens, clock: 'realtime', speed, seed: 1 });
  const server = createGenerateServer(createGenerator(cluster, tokens));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (log) console.log(`listening on ${url}: POST /generate {"prompt": "...", "maxTokens": 16}`);

  const shutdown = async (): Promise<void> => {
    server.closeAllConnections(); // fetch keeps connections alive; close them with the server
    await new Promise<void>((resolve, reject) => server.close((error) => (error === undefined ? resolve() : reject(error))));
    cluster.stop(); // cancels the real timer and completes events$
  };
  if (serve) {
    await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    await shutdown();
    return { url, workers, responses: [] };
  }

  const ask = async (i: number): Promise<GenerateResponse> => {
    const body: GenerateRequest = { prompt: SYSTEM + QUESTIONS[i % QUESTIONS.length]!, maxTokens: 16 };
    const res = await fetch(`${url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`POST /generate: ${res.status} ${await res.text()}`);
    return (await res.json()) as GenerateResponse;
  };
  try {
    // The first request warms a worker's cache with the shared system prompt; the rest arrive at once.
    const first = requests > 0 ? [await ask(0)] : [];
    const rest = await Promise.all(Array.from({ length: Math.max(0, requests - 1) }, (_, i) => ask(i + 1)));
    const responses = [...first, ...rest];
    if (log) {
      for (const r of responses) {
        console.log(
          `${r.id} → worker ${r.worker} [${r.decision.rule}: ${r.decision.reason}] cached ${r.cachedBlocks} blocks, ` +
            `ttft ${r.ttftMs.toFixed(1)} ms, e2e ${r.e2eMs.toFixed(1)} ms (virtual): ${JSON.stringify(r.text)}`,
        );
      }
    }
    return { url, workers, responses };
  } finally {
    await shutdown();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const portArg = args.indexOf('--port');
  await main({ serve: args.includes('--serve'), ...(portArg >= 0 ? { port: Number(args[portArg + 1]) } : {}) });
}
