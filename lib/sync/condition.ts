/**
 * `Condition`: wait for a state change, with a lock that guards the state.
 *
 * @module
 */
import { activeFrame, type Frame } from "../core/context";
import { operation } from "../core/operation";
import { ParkingLot } from "../core/parking-lot";
import { checkInteger, describe } from "../core/validate";
import { cancelledIn } from "../sleep";
import { Lock, type LockStatistics } from "./lock";
import type { Held } from "./hold";

/** What {@link Condition.statistics} reports. */
export interface ConditionStatistics {
  /** How many tasks are blocked in `wait()`. */
  readonly tasksWaiting: number;
  /** The statistics of its lock. */
  readonly lockStatistics: LockStatistics;
}

/**
 * A condition variable: a task holding the lock calls `wait()` to release it and sleep
 * until another task holding the lock calls `notify()`; `wait()` then takes the lock back
 * before it returns. Check your condition in a loop around `wait()`.
 *
 * Cancellation: `wait()` is a checkpoint. A cancelled `wait()` leaves the queue as it was
 * and still takes the lock back before it throws, so the caller always holds the lock
 * when `wait()` ends, however it ends.
 *
 * @param lock - the lock to use (default: a new `Lock`)
 * @example
 * ```ts
 * const cond = new giambio.Condition();
 * const queue: string[] = [];
 * // consumer
 * await cond.acquire();
 * while (queue.length === 0) await cond.wait();
 * const item = queue.shift();
 * cond.release();
 * // producer, elsewhere: await cond.acquire(); queue.push("x"); cond.notify(); cond.release();
 * ```
 */
export class Condition {
  /** The lock this condition uses. */
  readonly lock: Lock;
  private readonly _lot = new ParkingLot();

  constructor(lock?: Lock) {
    if (lock !== undefined && !(lock instanceof Lock)) {
      throw new TypeError(`Expected \`lock\` to be a giambio Lock, got ${describe(lock)}`);
    }
    this.lock = lock ?? new Lock();
  }

  /** Acquires the lock (see `Lock.acquire`). A checkpoint. */
  acquire(): Promise<void> {
    return this.lock.acquire();
  }

  /** Takes the lock at once (see `Lock.acquireNoWait`). */
  acquireNoWait(): void {
    this.lock.acquireNoWait();
  }

  /** Releases the lock (see `Lock.release`). */
  release(): void {
    this.lock.release();
  }

  /** Whether the lock is held. */
  locked(): boolean {
    return this.lock.locked();
  }

  /** Acquires the lock and returns a handle that releases it when disposed. A checkpoint. */
  hold(): Promise<Held> {
    return this.lock.hold();
  }

  /**
   * Releases the lock, waits for `notify()`, and takes the lock back.
   *
   * @throws an `Error` if the calling task does not hold the lock; `Cancelled` when cancelled
   *   (after taking the lock back)
   */
  wait(): Promise<void> {
    const frame = activeFrame("Condition.wait");
    if (this.lock._owner !== frame._task) {
      throw new Error(
        "Condition.wait() was called by a task that does not hold the condition's lock: " +
          "acquire it first",
      );
    }
    return operation("Condition.wait", frame, waitCondition, this, this._lot);
  }

  /**
   * Wakes up to `n` tasks blocked in `wait()`, in FIFO order. Not a checkpoint.
   *
   * @throws an `Error` if the calling task does not hold the lock
   */
  notify(n = 1): void {
    checkInteger(n, "n", 0);
    this._checkHeld("notify");
    for (let i = 0; i < n; i++) {
      const w = this._lot.shift();
      if (w === null) break;
      w._wake(undefined);
    }
  }

  /** Wakes every task blocked in `wait()`. Not a checkpoint. */
  notifyAll(): void {
    this._checkHeld("notifyAll");
    for (let w = this._lot.shift(); w !== null; w = this._lot.shift()) w._wake(undefined);
  }

  /** `tasksWaiting` and `lockStatistics`. */
  statistics(): ConditionStatistics {
    return { tasksWaiting: this._lot.size, lockStatistics: this.lock.statistics() };
  }

  private _checkHeld(op: string): void {
    const task = activeFrame(`Condition.${op}`)._task;
    if (this.lock._owner !== task) {
      throw new Error(
        `Condition.${op}() was called by a task that does not hold the condition's lock: ` +
          "acquire it first",
      );
    }
  }
}

async function waitCondition(frame: Frame, cond: Condition, lot: ParkingLot): Promise<void> {
  const lock = cond.lock;
  if (lock._owner !== frame._task) {
    throw new Error("Condition.wait() was awaited by a task that no longer holds the lock");
  }
  const cancelled = cancelledIn(frame);
  if (cancelled !== null) return cancelled;
  const w = lot.park<void>(frame, "Condition.wait");
  lock._handOff();
  try {
    await w.promise;
  } finally {
    // Always take the lock back, cancelled or not: the caller holds it when wait() ends.
    await lock._acquire(frame, false);
  }
}
