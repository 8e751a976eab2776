/**
 * The parking lot: one fair FIFO queue of waiting tasks, under every synchronisation
 * primitive and channel.
 *
 * Why one structure: fairness (waiters are served in the order they arrived) and cancel
 * safety (a cancelled waiter leaves the queue as if it had never joined it, and the others
 * keep their order) are proven once, here, instead of once per primitive. This is trio's
 * `ParkingLot`. A waiter is linked into the lot intrusively (its queue links, see
 * list.ts), so parking, unparking the first and removing a cancelled one in the middle are
 * all O(1) with no allocation.
 *
 * Hand-off: a primitive that wakes a waiter gives it what it waited for at that moment (a
 * lock's ownership, a token, a channel value) and only then wakes it. A woken waiter can no
 * longer be cancelled (its wait is over), so nothing handed over is lost: cancellation,
 * which is level-triggered, reaches the task at its next checkpoint.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { WaitQueue } from "./list";
import type { Operation } from "./operation";
import type { Waiter } from "./waiter";

/** @internal */
export class ParkingLot {
  private readonly queue = new WaitQueue<Waiter>();

  /** How many waiters are parked. */
  get size(): number {
    return this.queue.size;
  }

  /**
   * Parks operation `op` at the back of the queue, carrying `data`. With `cancellable`
   * false the wait ignores cancellation (used to re-acquire a lock after a condition wait).
   */
  park<T>(op: Operation<T>, data?: unknown, cancellable = true): Operation<T> {
    op.data = data;
    op.parkHere(cancellable);
    this.queue.push(op);
    return op;
  }

  /** Takes the first waiter out of the queue (the caller then wakes or fails it). */
  shift(): Waiter | null {
    return this.queue.shift();
  }

  /** Every waiter, in order (a snapshot). */
  all(): Waiter[] {
    return this.queue.toArray();
  }
}
