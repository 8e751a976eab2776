/**
 * `Condition`: wait for a state change, with a lock that guards the state.
 *
 * @module
 */
import {
  ParkingLot,
  checkInteger,
  compound,
  currentFrame,
  describe,
  frameTask,
  operation,
  type Frame,
  type Operation,
} from "../core";
import { Lock, acquireLock, type LockStatistics } from "./lock";
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
 * await giambio.run(async () => {
 *   const cond = new giambio.Condition();
 *   const queue: string[] = [];
 *   giambio.spawn(async () => {
 *     await giambio.sleep(1);
 *     await cond.acquire(); // the producer
 *     queue.push("job");
 *     cond.notify();
 *     cond.release();
 *   });
 *   await cond.acquire(); // the consumer
 *   while (queue.length === 0) await cond.wait();
 *   console.log(`got a ${queue.shift()} at ${giambio.clock()} s`);
 *   cond.release();
 * });
 * ```
 *
 * ```text
 * got a job at 1 s
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
    const frame = currentFrame("Condition.wait");
    if (this.lock._owner !== frameTask(frame)) {
      throw new Error(
        "Condition.wait() was called by a task that does not hold the condition's lock: " +
          "acquire it first",
      );
    }
    return compound("Condition.wait", frame, waitCondition, this, this._lot);
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
      w.wake(undefined);
    }
  }

  /** Wakes every task blocked in `wait()`. Not a checkpoint. */
  notifyAll(): void {
    this._checkHeld("notifyAll");
    for (let w = this._lot.shift(); w !== null; w = this._lot.shift()) w.wake(undefined);
  }

  /** `tasksWaiting` and `lockStatistics`. */
  statistics(): ConditionStatistics {
    return { tasksWaiting: this._lot.size, lockStatistics: this.lock.statistics() };
  }

  private _checkHeld(op: string): void {
    const task = frameTask(currentFrame(`Condition.${op}`));
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
  const task = frameTask(frame);
  if (lock._owner !== task) {
    throw new Error("Condition.wait() was awaited by a task that no longer holds the lock");
  }
  try {
    await operation("Condition.wait", frame, parkReleasing, lot, lock);
  } finally {
    // Always take the lock back, cancelled or not: the caller holds it when wait() ends.
    if (lock._owner !== task) await operation("Condition.wait", frame, acquireLock, lock, false);
  }
}

/** Parks in the condition's queue and releases the lock (not if already cancelled). */
function parkReleasing(op: Operation<void>, lot: ParkingLot, lock: Lock): void {
  if (op.failIfCancelled()) return;
  lot.park(op);
  lock._handOff();
}
