/**
 * `Event`: a flag that tasks can wait for.
 *
 * @module
 */
import { ParkingLot, currentFrame, operation, type Operation } from "../core";

/** What {@link Event.statistics} reports. */
export interface EventStatistics {
  /** How many tasks are blocked in `wait()`. */
  readonly tasksWaiting: number;
}

/**
 * A one-shot flag: it starts unset, `set()` sets it for good and wakes every task blocked
 * in `wait()`. Use it to tell other tasks that something has happened (a server is ready,
 * a shutdown has begun).
 *
 * Cancellation: `wait()` is a checkpoint; a cancelled `wait()` leaves the event as it was.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const ready = new giambio.Event();
 *   giambio.spawn(async () => {
 *     await giambio.sleep(1);
 *     ready.set();
 *   });
 *   await ready.wait();
 *   console.log(`ready at ${giambio.clock()} s`);
 * });
 * ```
 *
 * ```text
 * ready at 1 s
 * ```
 */
export class Event {
  private _set = false;
  private readonly _lot = new ParkingLot();

  /** Sets the flag and wakes every waiter. Idempotent; not a checkpoint. */
  set(): void {
    if (this._set) return;
    this._set = true;
    for (let w = this._lot.shift(); w !== null; w = this._lot.shift()) w.wake(undefined);
  }

  /** Whether `set()` has been called. */
  isSet(): boolean {
    return this._set;
  }

  /**
   * Waits until the flag is set (returns at once, after a checkpoint, if it is already).
   *
   * @throws `Cancelled` when cancelled first
   */
  wait(): Promise<void> {
    return operation("Event.wait", currentFrame("Event.wait"), waitEvent, this._lot, this);
  }

  /** `tasksWaiting`: how many tasks are blocked in `wait()`. */
  statistics(): EventStatistics {
    return { tasksWaiting: this._lot.size };
  }

  /** @internal */
  get _isSet(): boolean {
    return this._set;
  }
}

function waitEvent(op: Operation<void>, lot: ParkingLot, event: Event): void {
  if (op.failIfCancelled()) return;
  if (event._isSet) op.now(undefined);
  else lot.park(op);
}
