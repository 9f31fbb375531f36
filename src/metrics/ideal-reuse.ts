// The ideal bound of a request stream (DESIGN §3.10): the prefix reuse of one unbounded cache that
// sees every request in arrival order. No router over any number of workers can hit more, since
// each worker's cache holds a subset of it. A request's hit is the run of its leading blocks the
// cache already holds (as a worker's lookup); then every block it brings is kept: its prompt at
// routing, and every block a worker stores later (generated tokens a next turn can reuse).

import { DEFAULT_BLOCK_SIZE } from '../cache/hash.ts';
import type { Message, RequestId } from '../messages.ts';
import { DigestSet } from './digest-set.ts';
import { ratio } from './summary.ts';

/** The ideal prefix reuse, in blocks and in tokens. */
export interface IdealSummary {
  readonly hitBlocks: number;
  readonly promptBlocks: number;
  /** hitBlocks / promptBlocks. */
  readonly blockHitRate: number;
  /** hitBlocks × block size. */
  readonly hitTokens: number;
  readonly promptTokens: number;
  /** hitTokens / promptTokens. */
  readonly hitRate: number;
}

/** Gathers the ideal bound from a cluster's messages (`observe` each, or `attach`). */
export class IdealReuse {
  private readonly cached = new DigestSet();
  private readonly counted = new Set<RequestId>();
  private hitBlocks = 0;
  private promptBlocks = 0;
  private promptTokens = 0;

  constructor(readonly blockSize = DEFAULT_BLOCK_SIZE) {}

  /** Counts a request at its first routing; keeps every block routed or stored. */
  observe(message: Message): void {
    if (message.type === 'KV.STORED') {
      for (const hash of message.hashes) this.cached.add(hash);
      return;
    }
    if (message.type !== 'REQUEST.ROUTED' || this.counted.has(message.request.id)) return;
    this.counted.add(message.request.id);
    const { hashes } = message;
    let hit = 0;
    while (hit < hashes.length && this.cached.has(hashes[hit]!)) hit++;
    for (let i = hit; i < hashes.length; i++) this.cached.add(hashes[i]!);
    const tokens = message.request.prompt.length;
    this.hitBlocks += hit;
    this.promptBlocks += Math.ceil(tokens / this.blockSize);
    this.promptTokens += tokens;
  }

  /** The bound so far. */
  summary(): IdealSummary {
    const hitTokens = this.hitBlocks * this.blockSize;
    return {
      hitBlocks: this.hitBlocks,
      promptBlocks: this.promptBlocks,
      blockHitRate: ratio(this.hitBlocks, this.promptBlocks),
      hitTokens,
      promptTokens: this.promptTokens,
      hitRate: ratio(hitTokens, this.promptTokens),
    };
  }
}
