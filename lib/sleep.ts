/**
 * Time and checkpoints: `clock`, `sleep`, `sleepUntil`, `sleepForever`, `checkpoint`.
 *
 * @module
 */
import {
  checkDeadline,
  checkpointIn,
  clockIn,
  checkDuration,
  currentFrame,
  operation,
  type Operation,
} from "./core";

/**
 * The current time of the run's clock, in seconds: monotonic, counted from when the process
 * started (as `performance.now()` is, in milliseconds), and virtual under a `MockClock`
 * (from its `start`, 0 by default). Only differences between two readings mean anything.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const start = giambio.clock();
 *   await giambio.sleep(1);
 *   console.log(giambio.clock() - start); // about 1 on the real clock; 1 on a MockClock
 * });
 * ```
 *
 * ```text
 * 1
 * ```
 */
export function clock(): number {
  return clockIn(currentFrame("clock"));
}

/**
 * Yields to the scheduler, letting every other ready task run, and throws `Cancelled` if
 * the calling code has been cancelled. The cheapest checkpoint: put one in long loops that
 * otherwise never wait.
 *
 * @throws `Cancelled` when an enclosing cancel scope has been cancelled
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   let sum = 0;
 *   for (let i = 0; i < 1_000_000; i++) {
 *     sum += i;
 *     if (i % 10_000 === 0) await giambio.checkpoint(); // stay cancellable and fair
 *   }
 *   console.log(sum);
 * });
 * ```
 *
 * ```text
 * 499999500000
 * ```
 */
export function checkpoint(): Promise<void> {
  return checkpointIn(currentFrame("checkpoint"));
}

/**
 * Sleeps for `seconds` (a float; `0` is a plain checkpoint, `Infinity` sleeps forever). A
 * checkpoint.
 *
 * @param seconds - how long, on the run's clock
 * @throws `TypeError`/`RangeError` at the call for `NaN`, a negative or a non-number;
 *   `Cancelled` when cancelled (the sleep simply ends early; nothing is lost)
 * @example
 * ```ts
 * await giambio.sleep(0.5);
 * ```
 */
export function sleep(seconds: number): Promise<void> {
  checkDuration(seconds, "seconds");
  return operation("sleep", currentFrame("sleep"), sleepFor, seconds, undefined);
}

function sleepFor(op: Operation<void>, seconds: number): void {
  parkUntil(op, seconds === 0 ? -Infinity : op.clockNow() + seconds);
}

/**
 * Sleeps until the run's clock reads `deadline` (seconds, see `clock()`). A deadline in the
 * past is a plain checkpoint. A checkpoint.
 *
 * @example
 * ```ts
 * const deadline = giambio.clock() + 10;
 * await giambio.sleepUntil(deadline);
 * ```
 */
export function sleepUntil(deadline: number): Promise<void> {
  checkDeadline(deadline, "deadline");
  return operation("sleepUntil", currentFrame("sleepUntil"), parkUntil, deadline, undefined);
}

/**
 * Sleeps until cancelled. A checkpoint.
 *
 * @throws `Cancelled`, always, eventually
 * @example
 * ```ts
 * await giambio.moveOnAfter(1, () => giambio.sleepForever());
 * ```
 */
export function sleepForever(): Promise<never> {
  const frame = currentFrame("sleepForever");
  return operation(
    "sleepForever",
    frame,
    parkUntil,
    Infinity,
    undefined,
  ) as unknown as Promise<never>;
}

/** Sleeps until `deadline`; a deadline already passed is a plain checkpoint. */
function parkUntil(op: Operation<void>, deadline: number): void {
  if (op.failIfCancelled()) return;
  if (deadline <= op.clockNow()) op.now(undefined);
  else op.parkUntil(deadline);
}
