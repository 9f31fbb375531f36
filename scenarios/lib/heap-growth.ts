// A run's heap is mostly short-lived garbage (messages, and cache blocks that live until evicted),
// and V8 lets the old generation grow to up to 4× what survived its last full collection before
// collecting again: the peak RSS of a replay was mostly that garbage. Growing by at most 1.5×
// instead costs a few more full collections: one strategy on the conversation trace peaked at
// 330–338 MiB, now 226–249 MiB (3.39 → 3.60 s, medians of 3, interleaved); the 100,000-request
// soak ends at 1.44× its RSS at 10,000 requests instead of 2.1×.

import { setFlagsFromString } from 'node:v8';

/** Heap growth per full collection, in percent (V8's default picks up to 300 for a small heap). */
const HEAP_GROWING_PERCENT = 50;

/** Makes this process's heap grow by at most HEAP_GROWING_PERCENT after each full collection (every thread's: V8 flags are per process). */
export function limitHeapGrowth(): void {
  // A V8 flag read at each full collection, so setting it once the process runs takes effect.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
