// What the router does with each message (DESIGN §3.5): hash a submitted request, ask the strategy
// with the view as it stands, forward the request with the decision recorded; keep the view
// current from KV events and request lifecycle messages. It never reads a worker directly.

import type { ChainHasher } from '../cache/hash.ts';
import type { Message, RequestRejected, RequestRetry, RequestRouted, RequestSubmitted } from '../messages.ts';
import { NoWorkerAliveError } from '../routing/errors.ts';
import type { RouterView } from '../routing/router-view.ts';
import { assertValidChoice } from '../routing/strategies.ts';
import type { RouteRequest, Strategy } from '../routing/types.ts';

export interface RouterCoreOptions {
  readonly view: RouterView;
  readonly strategy: Strategy;
  readonly hasher: ChainHasher;
  readonly now: () => number;
  /** Where the router's decisions go (the bus). */
  readonly publish: (message: Message) => void;
}

export class RouterCore {
  readonly view: RouterView;
  private readonly strategy: Strategy;
  private readonly hasher: ChainHasher;
  private readonly now: () => number;
  private readonly publish: (message: Message) => void;
  private routed = 0;

  constructor(options: RouterCoreOptions) {
    this.view = options.view;
    this.strategy = options.strategy;
    this.hasher = options.hasher;
    this.now = options.now;
    this.publish = options.publish;
  }

  /** Requests routed so far. */
  get routedCount(): number {
    return this.routed;
  }

  /** Decides where a submitted request goes, and publishes the decision (or a rejection). */
  route(message: RequestSubmitted): void {
    this.publish(this.decide(message));
  }

  /**
   * Routes again a request a worker lost (it went down): like a new one, except that the worker
   * is taken for dead at once, and with no worker left the request fails (it was accepted once).
   */
  retry(message: RequestRetry): void {
    if (this.view.isAlive(message.workerId)) this.view.onWorkerDown(message.workerId);
    this.view.onFinished(message.requestId, this.now()); // its old place in the loads
    const decision = this.decide({ type: 'REQUEST.SUBMITTED', at: message.at, request: message.request });
    if (decision.type === 'REQUEST.ROUTED') this.publish(decision);
    else this.publish({ type: 'REQUEST.FAILED', at: decision.at, requestId: message.requestId, workerId: message.workerId, reason: `${message.reason}; ${decision.reason}` });
  }

  private decide(message: RequestSubmitted): RequestRouted | RequestRejected {
    const now = this.now();
    const spec = message.request;
    if (spec.prompt.length === 0) {
      const reason = 'the prompt has no tokens (a text prompt needs a token source with a tokenizer)';
      return { type: 'REQUEST.REJECTED', at: now, requestId: spec.id, workerId: null, code: 'invalid', reason };
    }
    const hashes = this.hasher.hashBlocks(spec.prompt, spec);
    const request: RouteRequest = { id: spec.id, hashes, promptTokens: spec.prompt.length, maxTokens: spec.maxTokens };
    const context = this.view.context(request, now);
    let choice;
    try {
      choice = this.strategy(request, context);
      assertValidChoice(choice, context);
    } catch (error) {
      if (error instanceof NoWorkerAliveError) return { type: 'REQUEST.REJECTED', at: now, requestId: spec.id, workerId: null, code: 'no-worker', reason: error.message };
      // A custom strategy's bug costs its request, not the run.
      const reason = `the strategy failed: ${error instanceof Error ? error.message : String(error)}`;
      return { type: 'REQUEST.REJECTED', at: now, requestId: spec.id, workerId: null, code: 'strategy-error', reason };
    }
    const predictedBlocks = context.matched[choice.workerId] ?? 0;
    this.view.onRouted(request, choice.workerId, now);
    this.routed++;
    return {
      type: 'REQUEST.ROUTED',
      at: now,
      request: spec,
      hashes,
      decision: { workerId: choice.workerId, rule: choice.rule, reason: choice.reason, predictedBlocks },
    };
  }

  /** Updates the view from a message the router receives. */
  observe(message: Message): void {
    const now = this.now();
    switch (message.type) {
      case 'KV.STORED':
        this.view.onKvStored(message.workerId, message.hashes);
        break;
      case 'KV.REMOVED':
        this.view.onKvRemoved(message.workerId, message.hashes);
        break;
      case 'KV.CLEARED':
        this.view.onKvCleared(message.workerId);
        break;
      case 'REQUEST.PREFILLED':
        this.view.onPrefilled(message.requestId, now);
        break;
      case 'REQUEST.COMPLETED':
      case 'REQUEST.FAILED':
        this.view.onFinished(message.requestId, now);
        break;
      case 'REQUEST.REJECTED':
        if (message.workerId !== null) this.view.onFinished(message.requestId, now);
        break;
      case 'WORKER.DOWN':
        this.view.onWorkerDown(message.workerId);
        break;
      case 'WORKER.UP':
        this.view.onWorkerUp(message.workerId);
        break;
      default:
        break;
    }
  }
}
