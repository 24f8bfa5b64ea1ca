/** Fixed-capacity FIFO: the newest `capacity` items, O(1) push. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (capacity < 1) throw new Error('capacity must be positive');
    this.items = new Array(capacity);
  }

  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  get size(): number {
    return this.count;
  }

  /** The last `limit` items, oldest first. */
  tail(limit = this.count): T[] {
    const n = Math.min(Math.max(0, limit), this.count);
    const out: T[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.items[(this.start + this.count - n + i) % this.capacity] as T;
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }
}
