/**
 * The hand-written promise hand-offs that the `raw` variants use: what a careful programmer
 * writes without a library. Plain promises only.
 *
 * @module
 */

/** A one-slot rendezvous: `put` waits until the value is taken. */
export class Mailbox<T> {
  private readonly takers: ((value: T) => void)[] = [];
  private readonly putters: [value: T, taken: () => void][] = [];

  put(value: T): Promise<void> {
    const taker = this.takers.shift();
    if (taker !== undefined) {
      taker(value);
      return Promise.resolve();
    }
    return new Promise((taken) => this.putters.push([value, taken]));
  }

  take(): Promise<T> {
    const putter = this.putters.shift();
    if (putter !== undefined) {
      putter[1]();
      return Promise.resolve(putter[0]);
    }
    return new Promise((resolve) => this.takers.push(resolve));
  }
}

/**
 * A bounded queue with waiting consumers and producers. `take` gives `undefined` once the
 * queue is closed and empty, so `T` must not include `undefined` (no result objects: the
 * baseline stays as lean as hand-written code is).
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: ((value: T | undefined) => void)[] = [];
  private readonly putters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly capacity: number) {}

  async put(value: T): Promise<void> {
    for (;;) {
      const taker = this.takers.shift();
      if (taker !== undefined) return taker(value);
      if (this.items.length < this.capacity) {
        this.items.push(value);
        return;
      }
      await new Promise<void>((resolve) => this.putters.push(resolve));
    }
  }

  take(): Promise<T | undefined> {
    if (this.items.length > 0) {
      const value = this.items.shift();
      this.putters.shift()?.();
      return Promise.resolve(value);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const taker of this.takers.splice(0)) taker(undefined);
  }
}

/** A mutex as a promise chain: `acquire` resolves to the function that releases it. */
export class PromiseMutex {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => released);
    return previous.then(() => release);
  }
}
