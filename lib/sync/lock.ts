/**
 * `Lock`: mutual exclusion between tasks, fair and cancel-safe.
 *
 * @module
 */
import {
  ParkingLot,
  compound,
  currentFrame,
  frameTask,
  operation,
  type Frame,
  type Operation,
  type Task,
} from "../core";
import { WouldBlock } from "../errors";
import { held, type Held } from "./hold";

/** What {@link Lock.statistics} reports. */
export interface LockStatistics {
  /** Whether some task holds the lock. */
  readonly locked: boolean;
  /** The task that holds it, or `null`. */
  readonly owner: Task | null;
  /** How many tasks are blocked in `acquire()`. */
  readonly tasksWaiting: number;
}

/**
 * A lock that one task at a time may hold. Waiters get it in the order they asked
 * (FIFO), and `release()` hands it straight to the first of them, so no task can barge in.
 * Only the task that holds the lock may release it, and a task may not acquire a lock it
 * already holds.
 *
 * Cancellation: `acquire()` is a checkpoint, even when the lock is free. A cancelled
 * `acquire()` leaves the lock and its queue exactly as if it had not been called; an
 * `acquire()` that has been handed the lock keeps it (the cancellation then reaches the
 * task at its next checkpoint).
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const lock = new giambio.Lock();
 *   async function write(name: string): Promise<void> {
 *     await using _ = await lock.hold();
 *     console.log(`${name} writes at ${giambio.clock()} s`); // no other task holds the lock here
 *     await giambio.sleep(1);
 *   }
 *   await giambio.all([() => write("a"), () => write("b")]);
 * });
 * ```
 *
 * ```text
 * a writes at 0 s
 * b writes at 1 s
 * ```
 */
export class Lock {
  /** @internal */ _owner: Task | null = null;
  /** @internal */ readonly _lot = new ParkingLot();

  /**
   * Waits until the lock is free, then takes it for the calling task.
   *
   * @throws `Cancelled` when cancelled first; an `Error` if the task already holds it
   */
  acquire(): Promise<void> {
    return operation("Lock.acquire", currentFrame("Lock.acquire"), acquireLock, this, true);
  }

  /**
   * Takes the lock if it is free, at once.
   *
   * @throws `WouldBlock` if another task holds it, or other tasks are waiting for it
   */
  acquireNoWait(): void {
    const task = frameTask(currentFrame("Lock.acquireNoWait"));
    this._checkReentry(task);
    if (this._owner !== null || this._lot.size > 0) throw new WouldBlock("The lock is held");
    this._owner = task;
  }

  /**
   * Releases the lock, handing it to the first waiting task if there is one. Not a
   * checkpoint.
   *
   * @throws an `Error` if the calling task does not hold the lock
   */
  release(): void {
    const task = frameTask(currentFrame("Lock.release"));
    if (this._owner !== task) {
      throw new Error(
        `Lock.release() was called by task ${JSON.stringify(task.name)}, which does not hold ` +
          "the lock: only the task that acquired a lock may release it",
      );
    }
    this._handOff();
  }

  /** Whether some task holds the lock. */
  locked(): boolean {
    return this._owner !== null;
  }

  /**
   * Acquires the lock and returns a handle that releases it when disposed, for
   * `await using _ = await lock.hold()`. A checkpoint, like `acquire()`.
   */
  hold(): Promise<Held> {
    return compound("Lock.hold", currentFrame("Lock.hold"), holdLock, this, undefined);
  }

  /** `locked`, `owner` and `tasksWaiting`. */
  statistics(): LockStatistics {
    return { locked: this._owner !== null, owner: this._owner, tasksWaiting: this._lot.size };
  }

  /** @internal Gives the lock to the first waiter, or frees it. */
  _handOff(): void {
    const next = this._lot.shift();
    if (next === null) {
      this._owner = null;
    } else {
      this._owner = next.task;
      next.wake(undefined);
    }
  }

  /** @internal */
  _checkReentry(task: Task): void {
    if (this._owner === task) {
      throw new Error(
        `Task ${JSON.stringify(task.name)} tried to acquire a Lock it already holds: ` +
          "a Lock is not re-entrant; release it first",
      );
    }
  }

  /** @internal `acquire()`, for the lock's owner-to-be: `cancellable` false re-acquires. */
  _acquire(op: Operation<void>, cancellable: boolean): void {
    if (cancellable && op.failIfCancelled()) return;
    this._checkReentry(op.task);
    if (this._owner === null && this._lot.size === 0) {
      this._owner = op.task;
      op.now(undefined);
      return;
    }
    this._lot.park(op, undefined, cancellable);
  }
}

/** The body of `acquire()` (`cancellable` false re-acquires after a condition wait). */
/** @internal */
export function acquireLock(op: Operation<void>, lock: Lock, cancellable: boolean): void {
  lock._acquire(op, cancellable);
}

async function holdLock(frame: Frame, lock: Lock): Promise<Held> {
  await operation("Lock.hold", frame, acquireLock, lock, true);
  const task = frameTask(frame);
  return held(() => {
    if (lock._owner === task) lock._handOff();
  });
}
