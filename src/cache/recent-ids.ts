// A set that remembers only its last `limit` additions (oldest forgotten first): enough to tell a
// double release from an unknown id without keeping every id a long run has seen.

export class RecentIds<T> {
  // member → the ring slot of its latest addition
  private readonly slotOf = new Map<T, number>();
  private readonly ring: (T | undefined)[];
  private next = 0;

  constructor(private readonly limit: number) {
    this.ring = new Array<T | undefined>(limit);
  }

  has(id: T): boolean {
    return this.slotOf.has(id);
  }

  add(id: T): void {
    const oldest = this.ring[this.next];
    // A slot is stale when its id was deleted or added again later.
    if (oldest !== undefined && this.slotOf.get(oldest) === this.next) this.slotOf.delete(oldest);
    this.ring[this.next] = id;
    this.slotOf.set(id, this.next);
    this.next = (this.next + 1) % this.limit;
  }

  delete(id: T): void {
    this.slotOf.delete(id);
  }
}
