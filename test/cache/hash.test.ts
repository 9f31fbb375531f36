import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ChainHasher,
  DEFAULT_ROOT,
  InvalidTokenError,
  isBlockHash,
  rootHashFromSeed,
  type BlockHash,
} from '../../src/cache/hash.ts';

const tokens = (n: number, offset = 0): number[] => Array.from({ length: n }, (_, i) => (i * 7919 + offset) % 50257);

describe('ChainHasher', () => {
  const hasher = new ChainHasher();

  it('hashes only full 16-token blocks: a partial tail gets no hash', () => {
    expect(hasher.hashBlocks(tokens(15))).toEqual([]);
    expect(hasher.hashBlocks(tokens(16))).toHaveLength(1);
    expect(hasher.hashBlocks(tokens(47))).toHaveLength(2);
    expect(hasher.hashBlocks(tokens(48))).toHaveLength(3);
  });

  it('gives equal prefixes equal hashes, whatever follows them', () => {
    const a = hasher.hashBlocks([...tokens(64), ...tokens(32, 1)]);
    const b = hasher.hashBlocks([...tokens(64), ...tokens(40, 2)]);
    expect(a.slice(0, 4)).toEqual(b.slice(0, 4));
    expect(a[4]).not.toBe(b[4]);
  });

  it('changes the hash of the block holding a changed token and of every later block', () => {
    const base = tokens(16 * 6);
    const changed = [...base];
    changed[16 * 2 + 5] = (changed[16 * 2 + 5]! + 1) % 50257;
    const a = hasher.hashBlocks(base);
    const b = hasher.hashBlocks(changed);
    expect(b.slice(0, 2)).toEqual(a.slice(0, 2));
    for (let i = 2; i < 6; i++) expect(b[i], `block ${i}`).not.toBe(a[i]);
  });

  it('chains: a block equal in tokens but under another parent hashes differently', () => {
    const block = tokens(16, 3);
    const [alone] = hasher.hashBlocks(block);
    const [, afterPrefix] = hasher.hashBlocks([...tokens(16), ...block]);
    expect(afterPrefix).not.toBe(alone);
  });

  it('produces 64-character lowercase hex digests from a fixed default root', () => {
    for (const h of hasher.hashBlocks(tokens(48))) expect(isBlockHash(h)).toBe(true);
    expect(new ChainHasher().root).toBe(DEFAULT_ROOT);
    expect(new ChainHasher().hashBlocks(tokens(32))).toEqual(hasher.hashBlocks(tokens(32)));
  });

  it('hashes exactly parent digest ‖ token ids as little-endian uint32 (the documented layout)', () => {
    const block = tokens(16, 11);
    const bytes = Buffer.alloc(32 + 64);
    Buffer.from(DEFAULT_ROOT, 'hex').copy(bytes, 0);
    block.forEach((t, j) => bytes.writeUInt32LE(t, 32 + 4 * j));
    expect(hasher.hashBlocks(block)[0]).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('chains from a configurable root: another root changes every hash', () => {
    const other = new ChainHasher({ root: rootHashFromSeed('another cluster') });
    const a = hasher.hashBlocks(tokens(32));
    const b = other.hashBlocks(tokens(32));
    expect(b[0]).not.toBe(a[0]);
    expect(b[1]).not.toBe(a[1]);
    expect(() => new ChainHasher({ root: 'abc' as BlockHash })).toThrow(/not a block hash/);
  });

  it('isolates tenants: a salt on block 0 changes the whole chain, the same tenant shares it', () => {
    const prompt = tokens(48);
    const plain = hasher.hashBlocks(prompt);
    const acme = hasher.hashBlocks(prompt, { tenant: 'acme' });
    const globex = hasher.hashBlocks(prompt, { tenant: 'globex' });
    expect(hasher.hashBlocks(prompt, { tenant: 'acme' })).toEqual(acme);
    for (let i = 0; i < 3; i++) {
      expect(new Set([plain[i], acme[i], globex[i]]).size, `block ${i}`).toBe(3);
    }
    // An empty tenant is still a tenant: it must not collide with no tenant at all.
    expect(hasher.hashBlocks(prompt, { tenant: '' })[0]).not.toBe(plain[0]);
  });

  it('mixes an adapter name into every block', () => {
    const prompt = tokens(48);
    const plain = hasher.hashBlocks(prompt);
    const lora = hasher.hashBlocks(prompt, { adapter: 'sql-lora' });
    const both = hasher.hashBlocks(prompt, { tenant: 'acme', adapter: 'sql-lora' });
    for (let i = 0; i < 3; i++) {
      expect(new Set([plain[i], lora[i], both[i]]).size, `block ${i}`).toBe(3);
    }
  });

  it('extends incrementally to the same hashes as hashing all at once, without rehashing', () => {
    const all = tokens(100);
    const hashes: BlockHash[] = [];
    expect(hasher.extend(hashes, all.slice(0, 20))).toBe(1);
    const first = hashes[0];
    expect(hasher.extend(hashes, all.slice(0, 31))).toBe(0);
    expect(hasher.extend(hashes, all.slice(0, 64))).toBe(3);
    expect(hasher.extend(hashes, all)).toBe(2);
    expect(hashes).toEqual(hasher.hashBlocks(all));
    expect(hashes[0]).toBe(first);
  });

  it('extends over only the first `length` tokens when asked', () => {
    const all = tokens(64);
    const hashes: BlockHash[] = [];
    expect(hasher.extend(hashes, all, undefined, 40)).toBe(2);
    expect(hashes).toEqual(hasher.hashBlocks(all.slice(0, 40)));
    expect(() => hasher.extend(hashes, all, undefined, 65)).toThrow('length 65 exceeds the 64 tokens given');
  });

  it('trusts the hashes it is extending: it never recomputes earlier blocks', () => {
    const all = tokens(48);
    const planted = ['f'.repeat(64) as BlockHash];
    hasher.extend(planted, all);
    expect(planted[0]).toBe('f'.repeat(64));
    expect(planted[1]).not.toBe(hasher.hashBlocks(all)[1]);
  });

  it('agrees with hashing in one go for any split of a sequence (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 80 }),
        fc.array(fc.nat(80), { maxLength: 5 }),
        (seq, cuts) => {
          const hashes: BlockHash[] = [];
          for (const cut of [...cuts].sort((a, b) => a - b)) hasher.extend(hashes, seq.slice(0, cut));
          hasher.extend(hashes, seq);
          expect(hashes).toEqual(hasher.hashBlocks(seq));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects token ids that cannot be written exactly, naming the position', () => {
    const bad = tokens(16);
    bad[9] = -1;
    expect(() => hasher.hashBlocks(bad)).toThrow(InvalidTokenError);
    expect(() => hasher.hashBlocks(bad)).toThrow('token 9 is -1');
    bad[9] = 2 ** 32;
    expect(() => hasher.hashBlocks(bad)).toThrow('token 9 is 4294967296');
    bad[9] = 1.5;
    expect(() => hasher.hashBlocks(bad)).toThrow('token 9 is 1.5');
  });

  it('hashes blocks of another size when asked', () => {
    const small = new ChainHasher({ blockSize: 4 });
    expect(small.hashBlocks(tokens(17))).toHaveLength(4);
    expect(() => new ChainHasher({ blockSize: 0 })).toThrow(/positive integer/);
  });

  it('gives the same hashes in another process', () => {
    const prompt = tokens(40);
    const here = [...hasher.hashBlocks(prompt), ...hasher.hashBlocks(prompt, { tenant: 't', adapter: 'a' })];
    const script = [
      `import { ChainHasher } from ${JSON.stringify(fileURLToPath(new URL('../../src/cache/hash.ts', import.meta.url)))};`,
      `const h = new ChainHasher(); const p = ${JSON.stringify(prompt)};`,
      `console.log(JSON.stringify([...h.hashBlocks(p), ...h.hashBlocks(p, { tenant: 't', adapter: 'a' })]));`,
    ].join('\n');
    const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
    const there = JSON.parse(execFileSync(tsx, ['--eval', script], { encoding: 'utf8' })) as string[];
    expect(there).toEqual(here);
  });
});
