/**
 * The kernel's two list types: an intrusive doubly-linked list, and a FIFO queue of waits.
 *
 * Why intrusive: a cancel scope's child scopes and parked waits, and a nursery's children,
 * change on every spawn, park and wake, and must add, remove from the middle and test
 * membership in O(1) with no allocation. So the links live in the nodes themselves
 * (`_prev`, `_next`, and `_list`, the list a node is in: membership is always the same
 * test, `node._list === list`). The fields are named, never computed, so every access is
 * a monomorphic property load.
 *
 * A parked wait is already linked into its scope's list; the queues it may also join (a
 * parking lot, a task's joiners) are `WaitQueue`s: an array in arrival order with lazy
 * removal. Removing from the middle (a cancelled wait) only unmarks the entry, which
 * `shift()` then skips; the array is compacted once stale entries outnumber live ones, so
 * a queue that only ever sees cancellations stays small.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */

/** The links of a node of an {@link IntrusiveList}. */
/** @internal */
export interface Linked<N> {
  _prev: N | null;
  _next: N | null;
  _list: unknown;
}

/** An intrusive doubly-linked list; FIFO order, O(1) everywhere. */
/** @internal */
export class IntrusiveList<N extends Linked<N>> {
  /** The first node, or `null`. */
  head: N | null = null;
  /** The last node, or `null`. */
  tail: N | null = null;
  /** How many nodes are linked. */
  size = 0;

  /** Appends `node` (which must not be in a list). */
  push(node: N): void {
    const tail = this.tail;
    node._prev = tail;
    node._next = null;
    node._list = this;
    if (tail === null) this.head = node;
    else tail._next = node;
    this.tail = node;
    this.size++;
  }

  /** Unlinks `node`; does nothing if it is not in this list. */
  remove(node: N): void {
    if (node._list !== this) return;
    const prev = node._prev;
    const next = node._next;
    if (prev === null) this.head = next;
    else prev._next = next;
    if (next === null) this.tail = prev;
    else next._prev = prev;
    node._prev = node._next = null;
    node._list = null;
    this.size--;
  }

  /** Every node, in order (a snapshot: safe to change the list while using it). */
  toArray(): N[] {
    const out: N[] = [];
    for (let x = this.head; x !== null; x = x._next) out.push(x);
    return out;
  }
}

/** What a {@link WaitQueue} holds: it records which queue it is in. */
/** @internal */
export interface Queued {
  _queue: unknown;
}

/** A FIFO queue of waits with O(1) removal from the middle (see the module comment). */
/** @internal */
export class WaitQueue<N extends Queued> {
  private items: (N | null)[] = [];
  private head = 0;
  private tail = 0;
  /** How many waits are queued. */
  size = 0;

  /** Appends `node`. */
  push(node: N): void {
    node._queue = this;
    this.items[this.tail++] = node;
    this.size++;
  }

  /** Takes `node` out of the queue; does nothing if it is not in it. */
  remove(node: N): void {
    if (node._queue !== this) return;
    node._queue = null;
    this.size--;
    if (this.size === 0) this.reset();
    else {
      const stale = this.tail - this.head - this.size;
      if (stale > 32 && stale > this.size) this.compact();
    }
  }

  /** Removes and returns the first node, or `null`. */
  shift(): N | null {
    if (this.size === 0) return null;
    const items = this.items;
    while (this.head < this.tail) {
      const node = items[this.head] as N | null;
      items[this.head++] = null;
      if (node !== null && node._queue === this) {
        node._queue = null;
        if (--this.size === 0) this.reset();
        else if (this.head > 64 && this.head * 2 > this.tail) this.compact();
        return node;
      }
    }
    return null;
  }

  /** Every node, in order (a snapshot). */
  toArray(): N[] {
    const out: N[] = [];
    const items = this.items;
    for (let i = this.head; i < this.tail; i++) {
      const node = items[i] as N | null;
      if (node !== null && node._queue === this) out.push(node);
    }
    return out;
  }

  private compact(): void {
    this.items = this.toArray();
    this.head = 0;
    this.tail = this.items.length;
  }

  /** Empty: start again at slot 0, keeping the array (nulled as it was consumed). */
  private reset(): void {
    const items = this.items;
    for (let i = this.head; i < this.tail; i++) items[i] = null;
    this.head = this.tail = 0;
  }
}
