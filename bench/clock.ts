// Micro-benchmark of VirtualClock: µs per schedule + fire with a steady number of pending timers.
// Each fired timer sets one new timer at a pseudo-random delay, so the heap keeps its size.
// Run: npx tsx bench/clock.ts

import { pathToFileURL } from 'node:url';
import { VirtualClock } from '../src/actors/virtual-clock.ts';

export interface ClockBenchOptions {
  /** Heap sizes to measure. */
  readonly pending?: readonly number[];
  /** Timers fired per measurement. */
  readonly fires?: number;
}

/** µs per schedule + fire, keyed `virtual-clock/<pending> pending`. */
export async function benchClock(options: ClockBenchOptions = {}): Promise<Record<string, number>> {
  const sizes = options.pending ?? [100, 1_000];
  const fires = options.fires ?? 1_000_000;
  const results: Record<string, number> = {};
  for (const size of sizes) {
    measure(size, Math.min(fires, 50_000)); // warm-up: let the JIT settle
    results[`virtual-clock/${size} pending`] = measure(size, fires);
  }
  console.log('\nclock (issue 4): VirtualClock, one timer set per timer fired');
  for (const [name, us] of Object.entries(results)) console.log(`  ${name.padEnd(32)} ${us.toFixed(3)} µs per schedule+fire`);
  return results;
}

function measure(size: number, fires: number): number {
  const clock = new VirtualClock();
  let seed = 12345;
  // A small LCG: delays in (0, 1000] ms, deterministic across runs.
  const delay = (): number => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return 1 + (seed / 0x1_0000_0000) * 999;
  };
  let fired = 0;
  const tick = (): void => {
    fired++;
    clock.setTimeout(tick, delay());
  };
  for (let i = 0; i < size; i++) clock.setTimeout(tick, delay());
  const t0 = performance.now();
  while (fired < fires) clock.step();
  const elapsed = performance.now() - t0;
  if (clock.pending !== size) throw new Error(`bench lost timers: ${clock.pending} pending, expected ${size}`);
  return (elapsed * 1_000) / fired;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchClock();
