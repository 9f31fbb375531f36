// The queue of blocks whose reference count is 0 (vLLM's FreeKVCacheBlockQueue), in eviction order:
//   1. the block released longest ago comes first;
//   2. among blocks released together, the deeper one (later in its sequence) comes first.
// Blocks that hold no hash are put at the front: reusing them evicts nothing.
// A doubly linked list over block ids in typed arrays: every operation is O(1).

const NONE = -1;

export class FreeQueue {
  private prev: Int32Array;
  private next: Int32Array;
  private queued: Uint8Array;
  private head = NONE;
  private tail = NONE;
  private count = 0;

  constructor(initialCapacity = 0) {
    this.prev = new Int32Array(initialCapacity);
    this.next = new Int32Array(initialCapacity);
    this.queued = new Uint8Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  /** Whether block `id` is in the queue. */
  has(id: number): boolean {
    return id < this.queued.length && this.queued[id] === 1;
  }

  /** The first block to be taken, or −1 if the queue is empty. */
  peek(): number {
    return this.head;
  }

  /** Adds `id` as the most recently released block. */
  pushBack(id: number): void {
    this.link(id);
    this.prev[id] = this.tail;
    this.next[id] = NONE;
    if (this.tail === NONE) this.head = id;
    else this.next[this.tail] = id;
    this.tail = id;
  }

  /** Adds `id` as the next block to be taken. */
  pushFront(id: number): void {
    this.link(id);
    this.prev[id] = NONE;
    this.next[id] = this.head;
    if (this.head === NONE) this.tail = id;
    else this.prev[this.head] = id;
    this.head = id;
  }

  /** Takes the first block; −1 if the queue is empty. */
  popFront(): number {
    const id = this.head;
    if (id !== NONE) this.remove(id);
    return id;
  }

  /** Takes `id` out of the queue, wherever it is. */
  remove(id: number): void {
    if (!this.has(id)) throw new Error(`block ${id} is not in the free queue`);
    const p = this.prev[id] as number;
    const n = this.next[id] as number;
    if (p === NONE) this.head = n;
    else this.next[p] = n;
    if (n === NONE) this.tail = p;
    else this.prev[n] = p;
    this.queued[id] = 0;
    this.count--;
  }

  /** Block ids from the first to be taken to the last. */
  *[Symbol.iterator](): IterableIterator<number> {
    for (let id = this.head; id !== NONE; id = this.next[id] as number) yield id;
  }

  private link(id: number): void {
    if (id >= this.queued.length) this.grow(id + 1);
    if (this.queued[id] === 1) throw new Error(`block ${id} is already in the free queue`);
    this.queued[id] = 1;
    this.count++;
  }

  private grow(minimum: number): void {
    const size = Math.max(minimum, this.queued.length * 2, 64);
    const grow = <T extends Int32Array | Uint8Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.prev = grow(this.prev, new Int32Array(size));
    this.next = grow(this.next, new Int32Array(size));
    this.queued = grow(this.queued, new Uint8Array(size));
  }
}
