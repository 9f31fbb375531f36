// DigestSet must answer exactly as a Set of the same strings, whatever mix of digests, near-misses
// and other strings it is given, through its growth.

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DigestSet } from '../../src/metrics/digest-set.ts';

const digest = (n: number) => createHash('sha256').update(String(n)).digest('hex');

/** A digest with one hex character changed: equal to it in every word but one. */
const nearMiss = (hex: string, at: number) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);

const value = fc.oneof(
  fc.nat(3000).map(digest),
  fc.tuple(fc.nat(50), fc.nat(63)).map(([n, at]) => nearMiss(digest(n), at)),
  // Same first word (the slot), different rest: probes must compare every word.
  fc.tuple(fc.nat(50), fc.integer({ min: 8, max: 63 })).map(([n, at]) => nearMiss(digest(n), at)),
  // Not digests: short names, upper case, one character too many or too few, a character that is
  // not hex, or one beyond Latin-1 whose low byte is a hex digit ('ı' is U+0131).
  fc.constantFrom('a0', 's1', '', digest(1).toUpperCase(), `${digest(2)}0`, digest(3).slice(1), `${digest(4).slice(0, 63)}g`, `${digest(5).slice(0, 63)}ı`, `${digest(5).slice(0, 63)}1`),
);

describe('DigestSet (properties)', () => {
  it('agrees with a Set on every add and has, through growth', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), value), { maxLength: 3000 }), (ops) => {
        const set = new DigestSet();
        const reference = new Set<string>();
        for (const [isAdd, v] of ops) {
          if (isAdd) {
            const before = reference.size;
            reference.add(v);
            expect(set.add(v)).toBe(reference.size > before);
          } else {
            expect(set.has(v)).toBe(reference.has(v));
          }
          expect(set.size).toBe(reference.size);
        }
        for (const v of reference) expect(set.has(v)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('holds 100,000 digests and finds each, and none of their near misses', () => {
    const set = new DigestSet();
    const all = Array.from({ length: 100_000 }, (_, i) => digest(i));
    for (const d of all) expect(set.add(d)).toBe(true);
    for (const d of all) expect(set.add(d)).toBe(false);
    expect(set.size).toBe(100_000);
    for (let i = 0; i < 100_000; i += 97) {
      expect(set.has(all[i]!)).toBe(true);
      expect(set.has(nearMiss(all[i]!, 63))).toBe(false);
      expect(set.has(nearMiss(all[i]!, 0))).toBe(false);
    }
  });
});
