// Cache benchmarks (issue 3): chained hashing per 16-token block, and the block pool's
// allocate + release throughput on a 924-block worker with a shared-prefix mix.

import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { BlockPool } from '../src/cache/block-pool.ts';
import { blocksPerWorker, DEFAULT_PROFILE } from '../src/cache/capacity.ts';
import { ChainHasher, DEFAULT_ROOT, type BlockHash } from '../src/cache/hash.ts';
import { createPrng } from '../src/prng.ts';
import { measure, printTable } from './measure.ts';

const BLOCK = 16;
const BLOCKS_PER_CALL = 64;

/** The same bytes as ChainHasher (parent digest ‖ uint32 LE tokens), through createHash. */
function chainWithCreateHash(tokens: Uint32Array, blocks: number): string {
  const bytes = Buffer.alloc(32 + 4 * BLOCK);
  let parent: string = DEFAULT_ROOT;
  for (let b = 0; b < blocks; b++) {
    bytes.write(parent, 0, 32, 'hex');
    for (let j = 0; j < BLOCK; j++) bytes.writeUInt32LE(tokens[b * BLOCK + j]!, 32 + 4 * j);
    parent = createHash('sha256').update(bytes).digest('hex');
  }
  return parent;
}

export async function benchCache(): Promise<Record<string, number>> {
  const rand = createPrng(42);
  const tokens = Uint32Array.from({ length: BLOCKS_PER_CALL * BLOCK }, () => Math.floor(rand() * 50257));
  const hasher = new ChainHasher();
  const oneShot = new ChainHasher();
  if (oneShot.hashBlocks(tokens).at(-1) !== chainWithCreateHash(tokens, BLOCKS_PER_CALL)) {
    throw new Error('the two hashing paths disagree: the comparison would be meaningless');
  }

  // 8 system prompts of 12 blocks; each request adds 12 blocks of its own (24 blocks in all).
  const prefixes = Array.from({ length: 8 }, () => Array.from({ length: 12 * BLOCK }, () => Math.floor(rand() * 50257)));
  const requests: BlockHash[][] = Array.from({ length: 4096 }, (_, i) => {
    const prompt = [...prefixes[i % 8]!, ...Array.from({ length: 12 * BLOCK }, () => Math.floor(rand() * 50257))];
    return hasher.hashBlocks(prompt);
  });
  const capacity = blocksPerWorker(DEFAULT_PROFILE);
  const pool = new BlockPool({ capacity });
  let next = 0;
  // A second pool keeps 32 sequences running, as a busy worker does, and releases the oldest.
  const busy = new BlockPool({ capacity });
  const running: number[] = [];
  let busyNext = 0;

  const [hashRow, createRow, poolRow, busyRow] = await measure({
    'chained SHA-256, one-shot crypto.hash': () => {
      hasher.hashBlocks(tokens);
    },
    'chained SHA-256, createHash().digest()': () => {
      chainWithCreateHash(tokens, BLOCKS_PER_CALL);
    },
    'pool: allocate + release, 24 blocks, 12 cached': () => {
      const id = next++;
      pool.allocate(id, requests[id % requests.length]!, 24 * BLOCK);
      pool.takeEvents();
      pool.release(id);
    },
    'pool: same, with 32 sequences running': () => {
      const id = busyNext++;
      busy.allocate(id, requests[id % requests.length]!, 24 * BLOCK);
      busy.takeEvents();
      running.push(id);
      if (running.length > 32) busy.release(running.shift()!);
    },
  });
  const stats = pool.stats();
  const figures = {
    hashNsPerBlock: hashRow!.nsPerCall / BLOCKS_PER_CALL,
    createHashNsPerBlock: createRow!.nsPerCall / BLOCKS_PER_CALL,
    allocReleasePerSecond: 1e9 / poolRow!.nsPerCall,
    allocReleaseP99Ns: poolRow!.p99Ns,
    busyAllocReleasePerSecond: 1e9 / busyRow!.nsPerCall,
    poolBlockHitRate: stats.hitBlocks / stats.queriedBlocks,
    poolEvictions: stats.evictions,
  };
  printTable('cache (issue 3)', [
    { measure: 'chained hash, one-shot crypto.hash', value: `${figures.hashNsPerBlock.toFixed(0)} ns/block`, target: '≤ 600 ns/block' },
    { measure: 'chained hash, createHash', value: `${figures.createHashNsPerBlock.toFixed(0)} ns/block`, target: '(comparison)' },
    { measure: 'allocate + release (24 blocks, 12 cached)', value: `${Math.round(figures.allocReleasePerSecond).toLocaleString('en-US')} /s`, target: '≥ 200,000 /s' },
    { measure: '  p99 of one allocate + release', value: `${figures.allocReleaseP99Ns.toFixed(0)} ns`, target: '' },
    { measure: 'allocate + release, 32 running', value: `${Math.round(figures.busyAllocReleasePerSecond).toLocaleString('en-US')} /s`, target: '' },
    { measure: 'block hit rate of that mix', value: figures.poolBlockHitRate.toFixed(3), target: '' },
  ]);
  return figures;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchCache();
