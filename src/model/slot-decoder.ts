// Runs a decode graph that reads its cache in place (tiny-gpt2/decode-graph.ts) on the first rows
// of a SlotCache: one token per row in, each row's next token and new K/V out. Its own ONNX
// Runtime session, beside transformers.js' one for the prefill.

import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionOptions, defaultThreads } from './load-pretrained.ts';
import type { SlotCache } from './slot-cache.ts';

export interface SlotStepResult {
  /** The next token of each row. */
  readonly tokens: readonly number[];
  /** Per layer, the fed tokens' keys and values: [rows, heads, 1, headDim] each. */
  readonly newKeys: readonly Float32Array[];
  readonly newValues: readonly Float32Array[];
}

export class SlotDecoder {
  private constructor(
    private readonly session: InferenceSession,
    readonly layers: number,
  ) {}

  /** Loads the decode graph at `path`; `threads` as for the prefill's session (loadPretrained). */
  static async load(path: string, threads?: number): Promise<SlotDecoder> {
    const options = sessionOptions(threads ?? defaultThreads()) as InferenceSession.SessionOptions;
    const session = await InferenceSession.create(path, options);
    const layers = session.outputNames.filter((n) => n.startsWith('new.') && n.endsWith('.key')).length;
    return new SlotDecoder(session, layers);
  }

  /**
   * Feeds `fed[r]` to row r of the cache's first `fed.length` rows. The cache must not change
   * until this settles: the session reads its buffers in place.
   */
  async step(cache: SlotCache, fed: readonly number[]): Promise<SlotStepResult> {
    const rows = fed.length;
    const lengths = new BigInt64Array(rows);
    for (let r = 0; r < rows; r++) lengths[r] = BigInt(cache.length(r));
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor('int64', BigInt64Array.from(fed, BigInt), [rows, 1]),
      past_length: new Tensor('int64', lengths, [rows]),
    };
    for (const { name, data, dims } of cache.views(rows)) feeds[name] = new Tensor('float32', data, dims);
    const out = await this.session.run(feeds);
    const layers = Array.from({ length: this.layers }, (_, i) => i);
    return {
      tokens: Array.from(out['next_token']!.data as BigInt64Array, Number),
      newKeys: layers.map((i) => out[`new.${i}.key`]!.data as Float32Array),
      newValues: layers.map((i) => out[`new.${i}.value`]!.data as Float32Array),
    };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
