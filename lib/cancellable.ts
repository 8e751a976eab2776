/**
 * The bridge to promises giambio did not make: `cancellable` and `currentSignal`.
 *
 * @module
 */
import { currentFrame, describe, frameScope, operation, type Operation } from "./core";

/**
 * The `AbortSignal` of the innermost cancel scope around the calling code: it aborts
 * exactly when giambio cancels that code (and not when a shield keeps the cancellation
 * out). Hand it to `fetch`, `fs.promises`, `timers/promises`, `events.once` and anything
 * else that takes a `signal`. Its `reason` is a `Cancelled`, so the error those APIs reject
 * with passes `isCancelled()` and is absorbed by the scope that was cancelled.
 *
 * @example
 * ```ts realtime
 * import { setTimeout as delay } from "node:timers/promises";
 *
 * await giambio.run(async () => {
 *   const start = giambio.clock();
 *   await giambio.moveOnAfter(0.05, () =>
 *     delay(5000, undefined, { signal: giambio.currentSignal() }),
 *   );
 *   console.log(`moved on after ${(giambio.clock() - start).toFixed(2)} s, not 5`);
 * });
 * ```
 *
 * ```text
 * moved on after 0... s, not 5
 * ```
 */
export function currentSignal(): AbortSignal {
  return frameScope(currentFrame("currentSignal")).signal;
}

/**
 * Awaits a promise that giambio did not make, as a checkpoint: on cancellation it throws
 * `Cancelled` at once, without waiting for the promise (whose eventual rejection is then
 * ignored). The function form receives an `AbortSignal` that is aborted on cancellation, so
 * the operation itself stops too. While waiting, the task counts as blocked (for autojump
 * and `waitAllTasksBlocked`).
 *
 * @param what - a promise (any thenable), or a function that takes a signal and returns one
 * @returns the promise's value
 * @throws the promise's error; `Cancelled` when cancelled
 * @example
 * ```ts
 * const body = await giambio.cancellable((signal) => fetch(url, { signal }).then((r) => r.text()));
 * ```
 */
export function cancellable<T>(
  what: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T> | T),
): Promise<T> {
  const isFn = typeof what === "function";
  if (!isFn && (what === null || typeof (what as { then?: unknown })?.then !== "function")) {
    throw new TypeError(
      `Expected \`what\` to be a promise or a function returning one, got ${describe(what)}`,
    );
  }
  const frame = currentFrame("cancellable");
  if (!isFn) {
    // The foreign promise runs already: mark its rejection handled now, so that a
    // cancellable() never awaited (and reported as such) leaves no unhandled rejection.
    Promise.resolve(what).catch(noop);
  }
  return operation("cancellable", frame, awaitForeign<T>, what, isFn);
}

function noop(): void {}

function awaitForeign<T>(
  op: Operation<T>,
  what: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T> | T),
  isFn: boolean,
): void {
  if (op.failIfCancelled()) return;
  let pending: PromiseLike<T> | T;
  op.parkHere();
  if (isFn) {
    const controller = new AbortController();
    op.onCancel = (err) => controller.abort(err);
    try {
      pending = (what as (signal: AbortSignal) => PromiseLike<T> | T)(controller.signal);
    } catch (err) {
      op.fail(err);
      return;
    }
  } else {
    pending = what as PromiseLike<T>;
  }
  Promise.resolve(pending).then(
    (value) => op.wake(value),
    (err: unknown) => op.fail(err),
  );
}
