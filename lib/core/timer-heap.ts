/**
 * The one timer structure of a run: every sleep and every cancel-scope deadline is an entry
 * in this binary min-heap, ordered by deadline and then by insertion order, and the runner
 * drives the whole heap with a single host timer armed for its earliest entry.
 *
 * Why an indexed heap (each entry knows its slot) rather than lazy deletion: cancelling
 * 10,000 parked sleepers must be cheap *and* leave nothing behind, so a removed entry
 * leaves the heap at once (O(log n)) instead of lingering until its deadline, and a heap
 * that becomes empty lets the host timer be cleared.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */

/** Something that can sit in the heap: told when its deadline has passed. */
/** @internal */
export interface TimerTarget {
  /** Called once the clock has reached the entry's deadline. */
  _timeout(): void;
}

/** One scheduled deadline. `index` is -1 while the entry is not in a heap. */
/** @internal */
export class TimerEntry {
  index = -1;
  constructor(
    public deadline: number,
    public seq: number,
    public readonly target: TimerTarget,
  ) {}
}

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}

/** @internal */
export class TimerHeap {
  private readonly heap: TimerEntry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The earliest deadline, or `Infinity` when empty. */
  get earliest(): number {
    const top = this.heap[0];
    return top === undefined ? Infinity : top.deadline;
  }

  add(deadline: number, target: TimerTarget): TimerEntry {
    const entry = new TimerEntry(deadline, this.seq++, target);
    entry.index = this.heap.length;
    this.heap.push(entry);
    this.up(entry.index);
    return entry;
  }

  remove(entry: TimerEntry): void {
    const i = entry.index;
    if (i < 0) return;
    entry.index = -1;
    const last = this.heap.pop() as TimerEntry;
    if (last === entry) return;
    this.heap[i] = last;
    last.index = i;
    this.up(i);
    this.down(last.index);
  }

  /** Moves an entry that is in the heap to a new deadline. */
  update(entry: TimerEntry, deadline: number): void {
    entry.deadline = deadline;
    entry.seq = this.seq++;
    this.up(entry.index);
    this.down(entry.index);
  }

  /** Removes and returns the earliest entry if its deadline is <= `now`. */
  popDue(now: number): TimerEntry | undefined {
    const top = this.heap[0];
    if (top === undefined || top.deadline > now) return undefined;
    this.remove(top);
    return top;
  }

  /** Drops every entry (used when a run ends). */
  clear(): void {
    for (const e of this.heap) e.index = -1;
    this.heap.length = 0;
  }

  private up(i: number): void {
    const heap = this.heap;
    const entry = heap[i] as TimerEntry;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p] as TimerEntry;
      if (!before(entry, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = p;
    }
    heap[i] = entry;
    entry.index = i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const entry = heap[i] as TimerEntry;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && before(heap[r] as TimerEntry, heap[l] as TimerEntry)) c = r;
      const child = heap[c] as TimerEntry;
      if (!before(child, entry)) break;
      heap[i] = child;
      child.index = i;
      i = c;
    }
    heap[i] = entry;
    entry.index = i;
  }
}
