/**
 * The one intrusive doubly-linked list of the kernel.
 *
 * Why intrusive: the kernel's lists (a scope's child scopes and parked waits, a nursery's
 * children, a parking lot's queue, a task's joiners, the run's operations not yet awaited)
 * must add, remove from the middle and test membership in O(1) with no allocation, because
 * they change on every spawn, park and wake. So the links live in the nodes themselves.
 *
 * A node can sit in two lists at once (a parked wait is in its cancel scope's list and,
 * often, in a parking lot or a task's joiners), so nodes carry two sets of links: *primary*
 * (`_prev`, `_next`, `_list`) and *queue* (`_qPrev`, `_qNext`, `_queue`). A list is made
 * for one set, and membership is always the same test: the node's list field is the list.
 *
 * @internal
 * @module
 */

/** The primary links of a node. */
export interface Linked<N> {
  _prev: N | null;
  _next: N | null;
  _list: IntrusiveList<N> | null;
}

/** The queue links of a node. */
export interface QueueLinked<N> {
  _qPrev: N | null;
  _qNext: N | null;
  _queue: IntrusiveList<N> | null;
}

type Links = { prev: string; next: string; list: string };
const PRIMARY: Links = { prev: "_prev", next: "_next", list: "_list" };
const QUEUE: Links = { prev: "_qPrev", next: "_qNext", list: "_queue" };

type Node = Record<string, unknown>;

/** An intrusive list over one set of links; FIFO order, O(1) everywhere. */
export class IntrusiveList<N> {
  /** The first node, or `null`. */
  head: N | null = null;
  /** The last node, or `null`. */
  tail: N | null = null;
  /** How many nodes are linked. */
  size = 0;
  private readonly p: string;
  private readonly n: string;
  private readonly l: string;

  private constructor(links: Links) {
    this.p = links.prev;
    this.n = links.next;
    this.l = links.list;
  }

  /** A list through the nodes' primary links. */
  static primary<N extends Linked<N>>(): IntrusiveList<N> {
    return new IntrusiveList<N>(PRIMARY);
  }

  /** A list through the nodes' queue links. */
  static queue<N extends QueueLinked<N>>(): IntrusiveList<N> {
    return new IntrusiveList<N>(QUEUE);
  }

  /** Whether `node` is in this list. */
  has(node: N): boolean {
    return (node as Node)[this.l] === this;
  }

  /** Appends `node` (which must not be in a list of this kind). */
  push(node: N): void {
    const x = node as Node;
    const tail = this.tail;
    x[this.p] = tail;
    x[this.n] = null;
    x[this.l] = this;
    if (tail === null) this.head = node;
    else (tail as Node)[this.n] = node;
    this.tail = node;
    this.size++;
  }

  /** Unlinks `node`; does nothing if it is not in this list. */
  remove(node: N): void {
    const x = node as Node;
    if (x[this.l] !== this) return;
    const prev = x[this.p] as N | null;
    const next = x[this.n] as N | null;
    if (prev === null) this.head = next;
    else (prev as Node)[this.n] = next;
    if (next === null) this.tail = prev;
    else (next as Node)[this.p] = prev;
    x[this.p] = x[this.n] = x[this.l] = null;
    this.size--;
  }

  /** Removes and returns the first node, or `null`. */
  shift(): N | null {
    const head = this.head;
    if (head !== null) this.remove(head);
    return head;
  }

  /** The node after `node` in this list. */
  next(node: N): N | null {
    return (node as Node)[this.n] as N | null;
  }

  /** Every node, in order (a snapshot: safe to change the list while using it). */
  toArray(): N[] {
    const out: N[] = [];
    for (let x = this.head; x !== null; x = (x as Node)[this.n] as N | null) out.push(x);
    return out;
  }
}
