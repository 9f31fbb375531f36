// A set of block hashes for the ideal bound, which keeps every block a run ever brings (~720,000
// on a 20,000-request trace with 200-token outputs). A hash of 64 lowercase hex characters is
// kept as its 32 bytes in one typed array, open addressing with linear probing: exact (all 256
// bits are compared), ~40 bytes a hash instead of a ~90-byte string and its Set entry, and
// nothing for the garbage collector to trace. Any other string (tests use short names) goes to a
// plain Set beside it.

const WORDS = 8; // 256 bits as 32-bit words
const HEX_LENGTH = 64;
const MIN_SLOTS = 1024;
// A character's hex value, or 0x10 (a flag bit) for anything else: 0-9 and a-f only, as ChainHasher writes them.
const NIBBLE = new Uint8Array(65536).fill(0x10);
for (let c = 0; c < 10; c++) NIBBLE[48 + c] = c;
for (let c = 0; c < 6; c++) NIBBLE[97 + c] = 10 + c;

/** Exact set of strings, compact for SHA-256 hex digests. */
export class DigestSet {
  private slots = MIN_SLOTS;
  private words = new Uint32Array(MIN_SLOTS * WORDS);
  private used = new Uint8Array(MIN_SLOTS);
  private digests = 0;
  private readonly others = new Set<string>();
  private readonly key = new Uint32Array(WORDS);

  /** How many distinct strings the set holds. */
  get size(): number {
    return this.digests + this.others.size;
  }

  /** Whether `value` is in the set. */
  has(value: string): boolean {
    if (!this.decode(value)) return this.others.has(value);
    return this.used[this.find()] === 1;
  }

  /** Adds `value`; returns whether it was new. */
  add(value: string): boolean {
    if (!this.decode(value)) {
      const before = this.others.size;
      this.others.add(value);
      return this.others.size > before;
    }
    let slot = this.find();
    if (this.used[slot] === 1) return false;
    // Grown at 3/4 full: probes stay short.
    if ((this.digests + 1) * 4 > this.slots * 3) {
      this.grow();
      slot = this.find();
    }
    const at = slot * WORDS;
    for (let w = 0; w < WORDS; w++) this.words[at + w] = this.key[w] as number;
    this.used[slot] = 1;
    this.digests++;
    return true;
  }

  /** Reads a 64-character lowercase hex string into `key`; false for any other string. */
  private decode(value: string): boolean {
    if (value.length !== HEX_LENGTH) return false;
    const key = this.key;
    let bad = 0;
    for (let w = 0, i = 0; w < WORDS; w++, i += 8) {
      const a = NIBBLE[value.charCodeAt(i)]!;
      const b = NIBBLE[value.charCodeAt(i + 1)]!;
      const c = NIBBLE[value.charCodeAt(i + 2)]!;
      const d = NIBBLE[value.charCodeAt(i + 3)]!;
      const e = NIBBLE[value.charCodeAt(i + 4)]!;
      const f = NIBBLE[value.charCodeAt(i + 5)]!;
      const g = NIBBLE[value.charCodeAt(i + 6)]!;
      const h = NIBBLE[value.charCodeAt(i + 7)]!;
      bad |= a | b | c | d | e | f | g | h;
      key[w] = (a << 28) | (b << 24) | (c << 20) | (d << 16) | (e << 12) | (f << 8) | (g << 4) | h;
    }
    return (bad & 0x10) === 0;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(): number {
    const { key, words, used } = this;
    const mask = this.slots - 1;
    // The digest's bits are uniform: its first word is a good slot number.
    for (let slot = (key[0] as number) & mask; ; slot = (slot + 1) & mask) {
      if (used[slot] === 0) return slot;
      const at = slot * WORDS;
      let same = true;
      for (let w = 0; w < WORDS; w++) {
        if (words[at + w] !== key[w]) {
          same = false;
          break;
        }
      }
      if (same) return slot;
    }
  }

  private grow(): void {
    const { words: oldWords, used: oldUsed, slots: oldSlots } = this;
    this.slots = oldSlots * 2;
    this.words = new Uint32Array(this.slots * WORDS);
    this.used = new Uint8Array(this.slots);
    const mask = this.slots - 1;
    for (let s = 0; s < oldSlots; s++) {
      if (oldUsed[s] === 0) continue;
      const from = s * WORDS;
      let slot = (oldWords[from] as number) & mask;
      while (this.used[slot] === 1) slot = (slot + 1) & mask;
      const to = slot * WORDS;
      for (let w = 0; w < WORDS; w++) this.words[to + w] = oldWords[from + w] as number;
      this.used[slot] = 1;
    }
  }
}
