/**
 * The parking lot: one fair FIFO queue of waiting tasks, under every synchronisation
 * primitive and channel.
 *
 * Why one structure: fairness (waiters are served in the order they arrived) and cancel
 * safety (a cancelled waiter leaves the queue as if it had never joined it, and the others
 * keep their order) are proven once, here, instead of once per primitive. This is trio's
 * `ParkingLot`. A waiter is linked into the lot intrusively, so parking, unparking the
 * first and removing a cancelled one in the middle are all O(1) with no allocation.
 *
 * Hand-off: a primitive that wakes a waiter gives it what it waited for at that moment (a
 * lock's ownership, a token, a channel value) and only then wakes it. A woken waiter can no
 * longer be cancelled (its wait is over), so nothing handed over is lost: cancellation,
 * which is level-triggered, reaches the task at its next checkpoint.
 *
 * @internal
 * @module
 */
import type { Frame } from "./context";
import { Waiter } from "./waiter";

export class ParkingLot {
  private _head: Waiter | null = null;
  private _tail: Waiter | null = null;
  private _size = 0;

  /** How many waiters are parked. */
  get size(): number {
    return this._size;
  }

  /**
   * Parks the calling code of `frame` at the back of the queue. With `cancellable` false the
   * wait ignores cancellation (used to re-acquire a lock after a condition wait).
   */
  park<T>(frame: Frame, what: string, data?: unknown, cancellable = true): Waiter<T> {
    const w = new Waiter<T>(frame._task, cancellable ? frame._scope : null, what);
    w._data = data;
    w._lot = this;
    const tail = this._tail;
    w._lotPrev = tail;
    if (tail === null) this._head = w;
    else tail._lotNext = w;
    this._tail = w;
    this._size++;
    return w;
  }

  /** The first waiter, or `null`. */
  first(): Waiter | null {
    return this._head;
  }

  /** Takes the first waiter out of the queue (the caller then wakes or fails it). */
  shift(): Waiter | null {
    const w = this._head;
    if (w !== null) this._remove(w);
    return w;
  }

  /** Every waiter, in order (a snapshot). */
  all(): Waiter[] {
    const out: Waiter[] = [];
    for (let w = this._head; w !== null; w = w._lotNext) out.push(w);
    return out;
  }

  /** @internal Unlinks `w` (woken, failed or cancelled). */
  _remove(w: Waiter): void {
    if (w._lot !== this) return;
    const prev = w._lotPrev;
    const next = w._lotNext;
    if (prev === null) this._head = next;
    else prev._lotNext = next;
    if (next === null) this._tail = prev;
    else next._lotPrev = prev;
    w._lotPrev = w._lotNext = null;
    w._lot = null;
    this._size--;
  }
}
