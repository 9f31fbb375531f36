// stateful-cache-router/model: token sources — the built-in tiny GPT-2, transformers.js models
// (hub id or folder), the seeded dummy — and the GPT-2 tokenizer. Loading one loads ONNX Runtime.

export { createDummyTokenSource } from './dummy.ts';
export type { DummyTokenOptions } from './dummy.ts';
export type { SequenceTokens, TokenSource } from './token-source.ts';
export { loadTokenSource, BUILTIN_MODELS, DEFAULT_MODEL } from './load-token-source.ts';
export type { LoadTokenSourceOptions } from './load-token-source.ts';
export { createTransformersSource } from './transformers-source.ts';
export type { ModelTokenSource, TransformersSourceOptions } from './transformers-source.ts';
export { createTinySource } from './tiny-source.ts';
export { ensureTinyModel } from './tiny-gpt2/cache.ts';
export { withTokenizer, gpt2Tokenizer } from './with-tokenizer.ts';
export { memoizeTokens } from './memo-source.ts';
export { ModelError, ModelLoadError, TokenBatchError } from './errors.ts';

