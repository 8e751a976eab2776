/**
 * Time and checkpoints: `clock`, `sleep`, `sleepUntil`, `sleepForever`, `checkpoint`.
 *
 * @module
 */
import { activeFrame, type Frame } from "./core/context";
import { checkDeadline, checkDuration } from "./core/validate";
import { operation } from "./core/operation";
import { Waiter } from "./core/waiter";

/**
 * The current time of the run's clock, in seconds: monotonic, and virtual under a
 * `MockClock`. Only differences between two readings mean anything.
 *
 * @example
 * ```ts
 * const start = giambio.clock();
 * await giambio.sleep(1);
 * console.log(giambio.clock() - start); // about 1
 * ```
 */
export function clock(): number {
  return activeFrame("clock")._task._runner._clock.now();
}

/**
 * Yields to the scheduler, letting every other ready task run, and throws `Cancelled` if
 * the calling code has been cancelled. The cheapest checkpoint: put one in long loops that
 * otherwise never wait.
 *
 * @throws `Cancelled` when an enclosing cancel scope has been cancelled
 * @example
 * ```ts
 * for (const row of rows) {
 *   transform(row);
 *   await giambio.checkpoint(); // stay cancellable and fair
 * }
 * ```
 */
export function checkpoint(): Promise<void> {
  return checkpointIn(activeFrame("checkpoint"));
}

/**
 * @internal A yield that cannot be cancelled: what a blocking operation that did not need
 * to wait does after doing its work, so that it is still a checkpoint for fairness
 * without losing that work to a cancellation.
 */
export function yieldShielded(frame: Frame): Promise<void> {
  const runner = frame._task._runner;
  if (runner._fastCheckpoint()) return runner._resolved;
  const w = new Waiter<void>(frame._task, null, "checkpoint");
  w._wake(undefined);
  return w.promise;
}

/** @internal The `Cancelled` to throw if `frame`'s code is cancelled, else `null`. */
export function cancelledIn(frame: Frame): Promise<never> | null {
  if (!frame._scope._cancelled) return null;
  return Promise.reject(frame._task._runner._cancelError(frame));
}

/** @internal A checkpoint of `frame`'s code. */
export function checkpointIn(frame: Frame): Promise<void> {
  const runner = frame._task._runner;
  if (frame._scope._cancelled) return Promise.reject(runner._cancelError(frame));
  if (runner._fastCheckpoint()) return runner._resolved;
  const w = new Waiter<void>(frame._task, null, "checkpoint");
  w._wake(undefined);
  return w.promise;
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
  return operation("sleep", activeFrame("sleep"), sleepFor, seconds, undefined);
}

function sleepFor(frame: Frame, seconds: number): Promise<void> {
  if (seconds === 0) return checkpointIn(frame);
  return parkUntil(frame, frame._task._runner._clock.now() + seconds);
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
  return operation("sleepUntil", activeFrame("sleepUntil"), parkUntil, deadline, undefined);
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
  const frame = activeFrame("sleepForever");
  return operation<never, number, undefined>(
    "sleepForever",
    frame,
    parkUntil as (frame: Frame, deadline: number) => Promise<never>,
    Infinity,
    undefined,
  );
}

function parkUntil(frame: Frame, deadline: number): Promise<void> {
  const runner = frame._task._runner;
  if (frame._scope._cancelled) return Promise.reject(runner._cancelError(frame));
  if (deadline <= runner._clock.now()) return checkpointIn(frame);
  const w = new Waiter<void>(frame._task, frame._scope, "sleep");
  if (deadline !== Infinity) {
    w._timer = runner._timers.add(deadline, w);
    runner._armTimer();
  }
  return w.promise;
}
