/**
 * `Semaphore`: a counter of permits, fair and cancel-safe.
 *
 * @module
 */
import {
  ParkingLot,
  compound,
  currentFrame,
  operation,
  type Frame,
  type Operation,
  checkInteger,
  describe,
} from "../core";
import { WouldBlock } from "../errors";
import { held, type Held } from "./hold";

/** What {@link Semaphore.statistics} reports. */
export interface SemaphoreStatistics {
  /** Permits available now. */
  readonly value: number;
  /** The most permits it may hold (`Infinity` when unbounded). */
  readonly max: number;
  /** How many tasks are blocked in `acquire()`. */
  readonly tasksWaiting: number;
}

/**
 * A semaphore: `acquire()` takes a permit, waiting while none is left; `release()` gives
 * one back, straight to the first waiting task if there is one. Waiters are served in FIFO
 * order. Unlike a `Lock`, any task may release, and nothing tracks who acquired. With `max`,
 * releasing more permits than `max` is an error (it catches unbalanced releases).
 *
 * Cancellation: `acquire()` is a checkpoint, even when a permit is free. A cancelled
 * `acquire()` takes no permit and leaves the queue as it was.
 *
 * @param initial - the permits it starts with, an integer >= 0
 * @param max - the most permits it may hold, an integer >= `initial` (default: unbounded)
 * @example
 * ```ts
 * const slots = new giambio.Semaphore(3); // at most three downloads at once
 * async function download(url: string): Promise<void> {
 *   await using _ = await slots.hold();
 *   await giambio.sleep(1); // fetches `url`, say
 * }
 *
 * await giambio.run(async () => {
 *   await giambio.map(["a", "b", "c", "d", "e"], download);
 *   console.log(`five downloads took ${giambio.clock()} s`);
 * });
 * ```
 *
 * ```text
 * five downloads took 2 s
 * ```
 */
export class Semaphore {
  private _value: number;
  private readonly _max: number;
  private readonly _lot = new ParkingLot();

  constructor(initial: number, max?: number) {
    checkInteger(initial, "initial", 0);
    if (max !== undefined) {
      checkInteger(max, "max", 1, Number.MAX_SAFE_INTEGER, true);
      if (initial > max) {
        throw new RangeError(
          `Expected \`initial\` to be at most \`max\` (${max}), got ${describe(initial)}`,
        );
      }
    }
    this._value = initial;
    this._max = max ?? Infinity;
  }

  /** Permits available now. */
  get value(): number {
    return this._value;
  }

  /** The most permits it may hold (`Infinity` when unbounded). */
  get max(): number {
    return this._max;
  }

  /**
   * Takes a permit, waiting until one is free.
   *
   * @throws `Cancelled` when cancelled first (no permit is taken)
   */
  acquire(): Promise<void> {
    return operation(
      "Semaphore.acquire",
      currentFrame("Semaphore.acquire"),
      acquireSem,
      this,
      undefined,
    );
  }

  /**
   * Takes a permit if one is free, at once.
   *
   * @throws `WouldBlock` if none is, or other tasks are waiting
   */
  acquireNoWait(): void {
    if (this._value === 0 || this._lot.size > 0) throw new WouldBlock("No permit is free");
    this._value--;
  }

  /**
   * Gives a permit back: to the first waiting task if there is one. Not a checkpoint.
   *
   * @throws an `Error` if that would take the value past `max`
   */
  release(): void {
    const next = this._lot.shift();
    if (next !== null) {
      next.wake(undefined);
      return;
    }
    if (this._value >= this._max) {
      throw new Error(
        `Semaphore.release() would raise the value past its max (${this._max}): ` +
          "each release() must match an acquire()",
      );
    }
    this._value++;
  }

  /** Acquires a permit and returns a handle that releases it when disposed. A checkpoint. */
  hold(): Promise<Held> {
    return compound("Semaphore.hold", currentFrame("Semaphore.hold"), holdSem, this, undefined);
  }

  /** `value`, `max` and `tasksWaiting`. */
  statistics(): SemaphoreStatistics {
    return { value: this._value, max: this._max, tasksWaiting: this._lot.size };
  }

  /** @internal */
  _acquire(op: Operation<void>): void {
    if (op.failIfCancelled()) return;
    if (this._value > 0 && this._lot.size === 0) {
      this._value--;
      op.now(undefined);
    } else {
      this._lot.park(op);
    }
  }
}

function acquireSem(op: Operation<void>, sem: Semaphore): void {
  sem._acquire(op);
}

async function holdSem(_frame: Frame, sem: Semaphore): Promise<Held> {
  await sem.acquire();
  return held(() => sem.release());
}
