// A model named in createCluster's options: createCluster is synchronous and loading a model is
// not, so the source starts loading at once and `run()` waits for it before the clock moves.

import type { TokenSource } from '../model/token-source.ts';

export interface LazyModel {
  /** Answers once loaded; asked before that, it throws (run() waits for `ready`). */
  readonly source: TokenSource;
  /** Resolves when the model is loaded; rejects with its ModelLoadError. */
  readonly ready: Promise<void>;
}

/** Starts loading `spec` (see loadTokenSource) and returns a source that forwards to it. */
export function lazyModel(spec: string, seed: number): LazyModel {
  let loaded: TokenSource | undefined;
  // Imported here, not at the top: a cluster without a model never loads the loaders.
  const ready = import('../model/load-token-source.ts')
    .then(({ loadTokenSource }) => loadTokenSource(spec, { seed: spec === 'dummy' ? seed : 0 }))
    .then((source) => {
      loaded = source;
    });
  ready.catch(() => {}); // reported by run(); not an unhandled rejection meanwhile
  const get = (): TokenSource => {
    if (loaded === undefined) throw new Error(`model '${spec}' is not loaded yet; run() waits for it`);
    return loaded;
  };
  return {
    ready,
    source: {
      name: spec,
      get eosTokenId() {
        return loaded?.eosTokenId ?? null;
      },
      next: (batch) => get().next(batch),
      release: (requestId) => loaded?.release?.(requestId),
      encode: (text) => {
        const encode = get().encode;
        if (encode === undefined) return [];
        return encode.call(loaded, text);
      },
      decode: (tokens) => get().decode?.(tokens) ?? '',
    },
  };
}
