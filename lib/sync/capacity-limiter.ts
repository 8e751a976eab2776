/**
 * `CapacityLimiter`: at most N borrowers at once, each holding one token.
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
import { WouldBlock } from "../errors";
import { held, type Held } from "./hold";

/** What {@link CapacityLimiter.statistics} reports. */
export interface CapacityLimiterStatistics {
  /** Tokens held now. */
  readonly borrowedTokens: number;
  /** Tokens in all. */
  readonly totalTokens: number;
  /** Who holds them (tasks, unless `*OnBehalfOf` named someone else). */
  readonly borrowers: readonly unknown[];
  /** How many are blocked in `acquire()`. */
  readonly tasksWaiting: number;
}

function checkTokens(value: unknown, name: string): asserts value is number {
  checkInteger(value, name, 1, Number.MAX_SAFE_INTEGER, true);
}

/**
 * Limits how many tasks do something at once: a crawler's concurrent downloads, a server's
 * database connections. Each borrower (by default, the calling task) holds at most one
 * token; `totalTokens` can be changed while it runs, and waiters are served in FIFO order.
 *
 * Cancellation: `acquire()` is a checkpoint, even when a token is free. A cancelled
 * `acquire()` takes no token and leaves the queue as it was.
 *
 * @param totalTokens - how many borrowers at once, an integer >= 1 (or `Infinity`)
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const limiter = new giambio.CapacityLimiter(2);
 *   await giambio.withNursery(async (nursery) => {
 *     for (let i = 0; i < 6; i++) {
 *       nursery.spawn(async () => {
 *         await using _ = await limiter.hold();
 *         await giambio.sleep(1); // at most two at a time
 *       });
 *     }
 *   });
 *   console.log(`six one-second jobs took ${giambio.clock()} s`);
 * });
 * ```
 *
 * ```text
 * six one-second jobs took 3 s
 * ```
 */
export class CapacityLimiter {
  private _total: number;
  private readonly _borrowers = new Set<unknown>();
  private readonly _lot = new ParkingLot();
  /** Borrowers parked in `_lot`, to refuse a second acquire by one of them. */
  private readonly _waiting = new Set<unknown>();

  constructor(totalTokens: number) {
    checkTokens(totalTokens, "totalTokens");
    this._total = totalTokens;
  }

  /** Tokens in all. Settable: raising it wakes waiters at once; lowering it takes effect as tokens come back. */
  get totalTokens(): number {
    return this._total;
  }

  set totalTokens(value: number) {
    checkTokens(value, "totalTokens");
    this._total = value;
    this._wakeWaiters();
  }

  /** Tokens held now. */
  get borrowedTokens(): number {
    return this._borrowers.size;
  }

  /** Tokens free now (never below 0, even after `totalTokens` was lowered). */
  get availableTokens(): number {
    return Math.max(0, this._total - this._borrowers.size);
  }

  /** Takes a token for the calling task, waiting until one is free. */
  acquire(): Promise<void> {
    const frame = currentFrame("CapacityLimiter.acquire");
    return operation("CapacityLimiter.acquire", frame, acquireFor, this, frameTask(frame));
  }

  /**
   * Takes a token for `borrower` (any value, compared by identity), waiting until one is free.
   *
   * @throws an `Error` if `borrower` already holds a token; `Cancelled` when cancelled first
   */
  acquireOnBehalfOf(borrower: unknown): Promise<void> {
    const frame = currentFrame("CapacityLimiter.acquireOnBehalfOf");
    return operation("CapacityLimiter.acquireOnBehalfOf", frame, acquireFor, this, borrower);
  }

  /** Takes a token for the calling task at once. @throws `WouldBlock` if none is free */
  acquireNoWait(): void {
    this.acquireOnBehalfOfNoWait(frameTask(currentFrame("CapacityLimiter.acquireNoWait")));
  }

  /** Takes a token for `borrower` at once. @throws `WouldBlock` if none is free */
  acquireOnBehalfOfNoWait(borrower: unknown): void {
    this._checkBorrower(borrower);
    if (this._borrowers.size >= this._total || this._lot.size > 0) {
      throw new WouldBlock("No token is free");
    }
    this._borrowers.add(borrower);
  }

  /** Gives back the calling task's token. Not a checkpoint. */
  release(): void {
    this.releaseOnBehalfOf(frameTask(currentFrame("CapacityLimiter.release")));
  }

  /**
   * Gives back `borrower`'s token, handing it to the first waiter if any. Not a checkpoint.
   *
   * @throws an `Error` if `borrower` holds no token
   */
  releaseOnBehalfOf(borrower: unknown): void {
    if (!this._borrowers.delete(borrower)) {
      throw new Error(
        `CapacityLimiter.release() was called for ${describeBorrower(borrower)}, which holds ` +
          "no token: release only what was acquired, by the same borrower",
      );
    }
    this._wakeWaiters();
  }

  /** Acquires a token for the calling task; disposing the handle releases it. A checkpoint. */
  hold(): Promise<Held> {
    const frame = currentFrame("CapacityLimiter.hold");
    return compound("CapacityLimiter.hold", frame, holdToken, this, frameTask(frame));
  }

  /** `borrowedTokens`, `totalTokens`, `borrowers` and `tasksWaiting`. */
  statistics(): CapacityLimiterStatistics {
    return {
      borrowedTokens: this._borrowers.size,
      totalTokens: this._total,
      borrowers: [...this._borrowers],
      tasksWaiting: this._lot.size,
    };
  }

  /** @internal */
  _holds(borrower: unknown): boolean {
    return this._borrowers.has(borrower);
  }

  /** @internal */
  _checkBorrower(borrower: unknown): void {
    if (this._borrowers.has(borrower)) {
      throw new Error(
        `${describeBorrower(borrower)} already holds a token of this CapacityLimiter: ` +
          "a borrower may hold only one; release it first",
      );
    }
  }

  /** @internal */
  _acquire(op: Operation<void>, borrower: unknown): void {
    if (op.failIfCancelled()) return;
    this._checkBorrower(borrower);
    if (this._waiting.has(borrower)) throw dup(borrower);
    if (this._borrowers.size < this._total && this._lot.size === 0) {
      this._borrowers.add(borrower);
      op.now(undefined);
      return;
    }
    this._lot.park(op, borrower);
    this._waiting.add(borrower);
    op.cleanup = () => this._waiting.delete(borrower);
  }

  private _wakeWaiters(): void {
    while (this._borrowers.size < this._total) {
      const next = this._lot.shift();
      if (next === null) return;
      this._borrowers.add(next.data);
      next.wake(undefined);
    }
  }
}

function dup(borrower: unknown): Error {
  return new Error(
    `${describeBorrower(borrower)} is already waiting for a token of this CapacityLimiter: ` +
      "a borrower may hold only one",
  );
}

function describeBorrower(borrower: unknown): string {
  const name = (borrower as { name?: unknown } | null)?.name;
  return typeof name === "string" &&
    typeof borrower === "object" &&
    borrower !== null &&
    "id" in borrower
    ? `task ${JSON.stringify(name)}`
    : `borrower ${describe(borrower)}`;
}

function acquireFor(op: Operation<void>, limiter: CapacityLimiter, borrower: unknown): void {
  limiter._acquire(op, borrower);
}

async function holdToken(frame: Frame, limiter: CapacityLimiter, borrower: unknown): Promise<Held> {
  await operation("CapacityLimiter.hold", frame, acquireFor, limiter, borrower);
  // Idempotent, and quiet if the token was already given back by hand.
  return held(() => {
    if (limiter._holds(borrower)) limiter.releaseOnBehalfOf(borrower);
  });
}
