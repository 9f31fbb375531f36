// Chained block hashing, shared by the router and the workers (DESIGN §3.2).
//
//   hash(block 0) = SHA-256(root   ‖ tokens of block 0 ‖ tenant salt ‖ adapter)
//   hash(block i) = SHA-256(hash(i−1) ‖ tokens of block i ‖ adapter)
//
// Only full blocks are hashed: a partial tail has no hash and is never cached. Token ids are
// written as little-endian uint32 so that the bytes (and the hashes) do not depend on the host.

import { hash as oneShotHash, createHash } from 'node:crypto';
import { CacheError, CacheOptionError } from './errors.ts';

/** A block's chained SHA-256 digest as 64 lowercase hex characters. */
export type BlockHash = string & { readonly __brand: 'BlockHash' };

/** What else, besides the tokens, makes two blocks different (vLLM's "extra keys"). */
export interface ExtraKeys {
  /** Salts block 0, so that requests of different tenants never share a cached block. */
  readonly tenant?: string | undefined;
  /** Name of a LoRA adapter; mixed into every block since the KV values depend on it. */
  readonly adapter?: string | undefined;
}

export interface ChainHasherOptions {
  /** Tokens per block (16 by default, as vLLM). */
  readonly blockSize?: number;
  /** The value block 0 chains from; router and workers must agree on it. */
  readonly root?: BlockHash;
}

export const DEFAULT_BLOCK_SIZE = 16;
export const DEFAULT_ROOT_SEED = 'stateful-cache-router/v1';

const DIGEST_BYTES = 32;
const TAG_TENANT = 0x01;
const TAG_ADAPTER = 0x02;
// Each distinct (tenant, adapter) pair keeps two scratch buffers; a run has few of them.
const MAX_SCRATCH_ENTRIES = 4096;

const sha256Hex: (data: Uint8Array) => string =
  typeof oneShotHash === 'function'
    ? (data) => oneShotHash('sha256', data, 'hex')
    : (data) => createHash('sha256').update(data).digest('hex');

/** The root value derived from a seed string: SHA-256 of its UTF-8 bytes. */
export function rootHashFromSeed(seed: string): BlockHash {
  return sha256Hex(Buffer.from(seed, 'utf8')) as BlockHash;
}

/** Whether `value` has the shape of a block hash (64 lowercase hex characters). */
export function isBlockHash(value: string): value is BlockHash {
  return /^[0-9a-f]{64}$/.test(value);
}

export const DEFAULT_ROOT: BlockHash = rootHashFromSeed(DEFAULT_ROOT_SEED);

/** Thrown for a token id that cannot be hashed (not an integer in [0, 2^32)). */
export class InvalidTokenError extends CacheError {
  override readonly name = 'InvalidTokenError';
  constructor(readonly index: number, readonly value: number) {
    super(`token ${index} is ${value}; token ids must be integers in [0, 4294967295]`);
  }
}

/** One block's input bytes: parent digest, token ids, then the encoded extra keys. */
class Scratch {
  readonly bytes: Buffer;
  readonly view: DataView;
  constructor(blockSize: number, extra: Buffer) {
    this.bytes = Buffer.alloc(DIGEST_BYTES + 4 * blockSize + extra.length);
    extra.copy(this.bytes, DIGEST_BYTES + 4 * blockSize);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  }
}

function encodeKey(tag: number, value: string): Buffer {
  const text = Buffer.from(value, 'utf8');
  const out = Buffer.alloc(5 + text.length);
  out[0] = tag;
  out.writeUInt32LE(text.length, 1);
  text.copy(out, 5);
  return out;
}

/** Computes chained block hashes for one block size and root; extra keys are given per call. */
export class ChainHasher {
  readonly blockSize: number;
  readonly root: BlockHash;
  // key "tenant\u0000adapter" → [scratch for block 0, scratch for later blocks]
  private readonly scratch = new Map<string, readonly [Scratch, Scratch]>();

  constructor(options: ChainHasherOptions = {}) {
    const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    if (!Number.isInteger(blockSize) || blockSize < 1) {
      throw new CacheOptionError(`blockSize is ${blockSize}; it must be a positive integer`);
    }
    const root = options.root ?? DEFAULT_ROOT;
    if (!isBlockHash(root)) {
      throw new CacheOptionError(`root '${root}' is not a block hash (64 lowercase hex characters)`);
    }
    this.blockSize = blockSize;
    this.root = root;
  }

  /** Hashes of every full block of `tokens` (a partial tail gets none). */
  hashBlocks(tokens: ArrayLike<number>, keys?: ExtraKeys): BlockHash[] {
    const hashes: BlockHash[] = [];
    this.extend(hashes, tokens, keys);
    return hashes;
  }

  /**
   * Appends to `hashes` (which must hold the hashes of the first hashes.length blocks of
   * `tokens`) the hashes of the blocks among the first `length` tokens that are full now; earlier
   * blocks are not rehashed. Returns how many were appended.
   */
  extend(hashes: BlockHash[], tokens: ArrayLike<number>, keys?: ExtraKeys, length = tokens.length): number {
    if (length > tokens.length) throw new CacheOptionError(`length ${length} exceeds the ${tokens.length} tokens given`);
    const full = Math.floor(length / this.blockSize);
    const from = hashes.length;
    if (from >= full) return 0;
    const [first, rest] = this.scratchFor(keys);
    let parent: string = from === 0 ? this.root : (hashes[from - 1] as string);
    for (let block = from; block < full; block++) {
      const s = block === 0 ? first : rest;
      s.bytes.write(parent, 0, DIGEST_BYTES, 'hex');
      const start = block * this.blockSize;
      for (let j = 0; j < this.blockSize; j++) {
        const token = tokens[start + j] as number;
        if (token >>> 0 !== token) throw new InvalidTokenError(start + j, token);
        s.view.setUint32(DIGEST_BYTES + 4 * j, token, true);
      }
      parent = sha256Hex(s.bytes);
      hashes.push(parent as BlockHash);
    }
    return full - from;
  }

  private scratchFor(keys: ExtraKeys | undefined): readonly [Scratch, Scratch] {
    const tenant = keys?.tenant;
    const adapter = keys?.adapter;
    const key = `${tenant ?? ''}\u0000${adapter ?? ''}\u0000${tenant === undefined ? 0 : 1}${adapter === undefined ? 0 : 1}`;
    let entry = this.scratch.get(key);
    if (entry === undefined) {
      const salt = tenant === undefined ? Buffer.alloc(0) : encodeKey(TAG_TENANT, tenant);
      const lora = adapter === undefined ? Buffer.alloc(0) : encodeKey(TAG_ADAPTER, adapter);
      entry = [
        new Scratch(this.blockSize, Buffer.concat([salt, lora])),
        new Scratch(this.blockSize, lora),
      ];
      if (this.scratch.size >= MAX_SCRATCH_ENTRIES) this.scratch.clear();
      this.scratch.set(key, entry);
    }
    return entry;
  }
}
