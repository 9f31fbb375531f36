// The K/V of every live sequence in one buffer per cache tensor, a row (slot) each, kept in place
// from step to step: a decode step writes only the new position of each row it fed. The layout
// is the decode graph's (tiny-gpt2/decode-graph.ts): per layer, keys [rows, heads, headDim,
// capacity] (transposed) and values [rows, heads, capacity, headDim]; row r's cache fills time
// positions [0, length) and the rest is spare (masked by the graph, whatever it holds).
// A step feeds rows [0, n): `putFirst` moves the rows of a step to the front, one whole-row copy
// per row that is not there yet; a sequence that stays keeps its row, so steady steps copy nothing.

import type { KvBatch } from './kv-batch.ts';

/** What the cache knows of a row's owner: where its row is now (moved by `putFirst`/`remove`). */
export interface SlotOwner {
  slot: number;
}

/** Spare time positions are added this many at a time (attention over spare positions is cheap). */
const CAPACITY_STEP = 256;

export class SlotCache {
  /** Per layer: keys [rows, heads, headDim, capacity] and values [rows, heads, capacity, headDim]. */
  private keys: Float32Array[];
  private values: Float32Array[];
  private owners: SlotOwner[] = [];
  /** Cached positions of each used row. */
  private lengths: number[] = [];
  private rowCapacity = 0;
  private capacity = 0;
  /** Whole rows copied to keep steps' rows in front (the cost `putFirst` avoids when rows stay). */
  moves = 0;

  constructor(
    readonly layers: number,
    readonly heads: number,
    readonly headDim: number,
  ) {
    this.keys = Array.from({ length: layers }, () => new Float32Array(0));
    this.values = Array.from({ length: layers }, () => new Float32Array(0));
  }

  /** Rows in use. */
  get used(): number {
    return this.owners.length;
  }

  /** Cached positions of the row at `slot`. */
  length(slot: number): number {
    return this.lengths[slot]!;
  }

  /** Floats of one row of one tensor. */
  private get rowSize(): number {
    return this.heads * this.headDim * this.capacity;
  }

  /** A new row for `owner` holding row `row` of a prefill's batch (right-aligned, `past_key_values.{i}.*`). */
  add(owner: SlotOwner, batch: KvBatch, row: number): void {
    const own = batch.length - batch.pads[row]!;
    this.reserve(this.used + 1, own + 1);
    const slot = this.used;
    owner.slot = slot;
    this.owners.push(owner);
    this.lengths.push(own);
    const { heads, headDim, capacity } = this;
    for (let i = 0; i < this.layers; i++) {
      const key = batch.tensors.get(`past_key_values.${i}.key`);
      const value = batch.tensors.get(`past_key_values.${i}.value`);
      if (key === undefined || value === undefined) throw new RangeError(`the prefill's cache has no layer ${i}`);
      const keys = this.keys[i]!;
      const values = this.values[i]!;
      for (let h = 0; h < heads; h++) {
        const from = ((row * heads + h) * batch.length + batch.pads[row]!) * headDim;
        values.set(value.data.subarray(from, from + own * headDim), (slot * heads + h) * capacity * headDim);
        const to = (slot * heads + h) * headDim * capacity;
        for (let t = 0; t < own; t++) for (let d = 0; d < headDim; d++) keys[to + d * capacity + t] = key.data[from + t * headDim + d]!;
      }
    }
  }

  /** Forgets the row's positions from `length` on (they become spare). */
  truncate(slot: number, length: number): void {
    if (length > this.lengths[slot]!) throw new RangeError(`row ${slot} holds ${this.lengths[slot]} positions; cannot keep ${length}`);
    this.lengths[slot] = length;
  }

  /** Frees `owner`'s row; the last row moves into it. */
  remove(owner: SlotOwner): void {
    const slot = owner.slot;
    const lastSlot = this.used - 1;
    if (slot !== lastSlot) this.copyRow(lastSlot, slot);
    this.owners.pop();
    this.lengths.pop();
    owner.slot = -1;
  }

  /** Makes the rows of `owners` the first `owners.length` rows (in any order); the others keep theirs otherwise. */
  putFirst(owners: readonly SlotOwner[]): void {
    const n = owners.length;
    let back = n; // rows at or after n are searched from here for an owner that belongs in front
    const wanted = new Set(owners);
    for (let slot = 0; slot < n; slot++) {
      if (wanted.has(this.owners[slot]!)) continue;
      while (!wanted.has(this.owners[back]!)) back++;
      this.swapRows(slot, back);
    }
  }

  /**
   * Room for one more position in every row. The capacity also shrinks when the longest row needs
   * under half of it: every step attends over the whole capacity, and every row holds it.
   */
  fitNextPosition(): void {
    let longest = 0;
    for (const length of this.lengths) longest = Math.max(longest, length);
    if (longest + 1 <= this.capacity / 2 && this.capacity > CAPACITY_STEP) this.reserve(this.used, longest + 1, true);
    else this.reserve(this.used, longest + 1);
  }

  /** Room for `rows` rows of `positions` positions each, keeping every row's cache (`shrink`: exactly what they need, rounded up). */
  private reserve(rows: number, positions: number, shrink = false): void {
    if (!shrink && rows <= this.rowCapacity && positions <= this.capacity) return;
    const grown = shrink ? positions : Math.max(positions, this.capacity * 1.25);
    const capacity = positions <= this.capacity && !shrink ? this.capacity : Math.ceil(grown / CAPACITY_STEP) * CAPACITY_STEP;
    const rowCapacity = rows <= this.rowCapacity ? this.rowCapacity : Math.max(rows, 2 * this.rowCapacity, 4);
    const { heads, headDim } = this;
    for (let i = 0; i < this.layers; i++) {
      const keys = new Float32Array(rowCapacity * heads * headDim * capacity);
      const values = new Float32Array(rowCapacity * heads * headDim * capacity);
      for (let slot = 0; slot < this.used; slot++) {
        const own = this.lengths[slot]!;
        for (let h = 0; h < heads; h++) {
          const oldRow = (slot * heads + h) * headDim;
          for (let d = 0; d < headDim; d++) {
            const from = (oldRow + d) * this.capacity;
            keys.set(this.keys[i]!.subarray(from, from + own), (oldRow + d) * capacity);
          }
          const from = (slot * heads + h) * this.capacity * headDim;
          values.set(this.values[i]!.subarray(from, from + own * headDim), (slot * heads + h) * capacity * headDim);
        }
      }
      this.keys[i] = keys;
      this.values[i] = values;
    }
    this.rowCapacity = rowCapacity;
    this.capacity = capacity;
  }

  /** The first `rows` rows as the decode graph's `past.{i}.key/value` inputs: views, not copies. */
  views(rows: number): { name: string; data: Float32Array; dims: number[] }[] {
    const size = rows * this.rowSize;
    return this.keys.flatMap((keys, i) => [
      { name: `past.${i}.key`, data: keys.subarray(0, size), dims: [rows, this.heads, this.headDim, this.capacity] },
      { name: `past.${i}.value`, data: this.values[i]!.subarray(0, size), dims: [rows, this.heads, this.capacity, this.headDim] },
    ]);
  }

  /**
   * Appends one position to the row at `slot`: row `row` of a step's `new.{i}.key/value`
   * outputs ([rows, heads, 1, headDim] each). The caller has reserved the room.
   */
  append(slot: number, row: number, newKeys: readonly Float32Array[], newValues: readonly Float32Array[]): void {
    const t = this.lengths[slot]!;
    const { heads, headDim, capacity } = this;
    for (let i = 0; i < this.layers; i++) {
      const keys = this.keys[i]!;
      const source = row * heads * headDim;
      for (let h = 0; h < heads; h++) {
        const to = (slot * heads + h) * headDim * capacity + t;
        for (let d = 0; d < headDim; d++) keys[to + d * capacity] = newKeys[i]![source + h * headDim + d]!;
      }
      for (let h = 0; h < heads; h++) {
        this.values[i]!.set(newValues[i]!.subarray(source + h * headDim, source + (h + 1) * headDim), ((slot * heads + h) * capacity + t) * headDim);
      }
    }
    this.lengths[slot] = t + 1;
  }

  /** Copies the whole row `from` over row `to` (which takes `from`'s owner). */
  private copyRow(from: number, to: number): void {
    const size = this.rowSize;
    for (const tensor of [...this.keys, ...this.values]) tensor.copyWithin(to * size, from * size, (from + 1) * size);
    this.owners[to] = this.owners[from]!;
    this.owners[to]!.slot = to;
    this.lengths[to] = this.lengths[from]!;
    this.moves++;
  }

  private swapRows(a: number, b: number): void {
    const size = this.rowSize;
    const scratch = new Float32Array(size);
    for (const tensor of [...this.keys, ...this.values]) {
      scratch.set(tensor.subarray(a * size, (a + 1) * size));
      tensor.copyWithin(a * size, b * size, (b + 1) * size);
      tensor.set(scratch, b * size);
    }
    const [ownerA, ownerB] = [this.owners[a]!, this.owners[b]!];
    [this.owners[a], this.owners[b]] = [ownerB, ownerA];
    [this.lengths[a], this.lengths[b]] = [this.lengths[b]!, this.lengths[a]!];
    ownerA.slot = b;
    ownerB.slot = a;
    this.moves += 2;
  }
}
