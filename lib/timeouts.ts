/**
 * Cancel scopes and timeouts: `withCancelScope`, `moveOnAfter`, `moveOnAt`, `failAfter`,
 * `failAt`.
 *
 * @module
 */
import {
  CancelScope,
  checkBoolean,
  checkDeadline,
  checkDuration,
  checkFunction,
  checkOptions,
  compound,
  currentFrame,
  runScope,
  type ScopeSpec,
} from "./core";

/**
 * Options of {@link withCancelScope}.
 *
 * @example
 * ```ts
 * // Safe from cancellation from outside, but given five seconds at most:
 * await giambio.withCancelScope(() => saveToDatabase("state"), {
 *   shield: true,
 *   deadline: giambio.clock() + 5,
 * });
 * ```
 */
export interface CancelScopeOptions {
  /**
   * When the scope cancels itself, in seconds on the run's clock (see `clock()`).
   * @default Infinity
   */
  deadline?: number;
  /**
   * Keep out cancellation from outside the scope.
   * @default false
   */
  shield?: boolean;
}

/**
 * Runs `fn(scope)` inside a new cancel scope. Cancelling the scope (`scope.cancel()`, or
 * its deadline passing) makes every checkpoint inside throw `Cancelled`; the scope absorbs
 * its own `Cancelled` when `fn` lets it out. Opening and closing the scope are not
 * checkpoints.
 *
 * @returns `fn`'s value, or `undefined` when the scope absorbed its own cancellation
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const options = { deadline: giambio.clock() + 30 };
 *   const fast = await giambio.withCancelScope(async () => "done", options);
 *   const slow = await giambio.withCancelScope(async (scope) => {
 *     scope.cancel(); // or another task does, or the deadline passes
 *     await giambio.sleep(1); // the checkpoint that throws the Cancelled
 *     return "done";
 *   }, options);
 *   console.log(fast, slow);
 * });
 * ```
 *
 * ```text
 * done undefined
 * ```
 */
export function withCancelScope<T>(
  fn: (scope: CancelScope) => T | PromiseLike<T>,
  options?: CancelScopeOptions,
): Promise<Awaited<T> | undefined> {
  checkFunction(fn, "fn");
  checkOptions(options, "options");
  const deadline = options?.deadline;
  const shield = options?.shield;
  if (deadline !== undefined) checkDeadline(deadline, "options.deadline");
  if (shield !== undefined) checkBoolean(shield, "options.shield");
  const frame = currentFrame("withCancelScope");
  return compound("withCancelScope", frame, runScope<T>, fn, {
    deadline: deadline ?? Infinity,
    shield: shield === true,
    relative: false,
    fail: null,
  });
}

/**
 * Runs `fn` with a deadline `seconds` from now; when it passes, `fn` is cancelled and
 * `moveOnAfter` returns `undefined`.
 *
 * @param seconds - a number >= 0 (`Infinity` for no limit)
 * @returns `fn`'s value, or `undefined` if the time ran out
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const reply = await giambio.moveOnAfter(5, async () => {
 *     await giambio.sleep(10); // a slow server
 *     return "pong";
 *   });
 *   if (reply === undefined) console.log(`no reply within 5 s; it is ${giambio.clock()} s`);
 * });
 * ```
 *
 * ```text
 * no reply within 5 s; it is 5 s
 * ```
 */
export function moveOnAfter<T>(
  seconds: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
): Promise<Awaited<T> | undefined> {
  checkDuration(seconds, "seconds");
  checkFunction(fn, "fn");
  const frame = currentFrame("moveOnAfter");
  return compound("moveOnAfter", frame, runScope<T>, fn, timed(seconds, true, null));
}

/**
 * Like {@link moveOnAfter}, with an absolute `deadline` on the run's clock.
 *
 * @example
 * ```ts
 * const deadline = giambio.clock() + 60;
 * await giambio.moveOnAt(deadline, () => download(url));
 * ```
 */
export function moveOnAt<T>(
  deadline: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
): Promise<Awaited<T> | undefined> {
  checkDeadline(deadline, "deadline");
  checkFunction(fn, "fn");
  const frame = currentFrame("moveOnAt");
  return compound("moveOnAt", frame, runScope<T>, fn, timed(deadline, false, null));
}

/**
 * Runs `fn` with a deadline `seconds` from now; if it passes first, `fn` is cancelled and
 * `failAfter` throws `TooSlowError`.
 *
 * @returns `fn`'s value
 * @throws `TooSlowError` when the time ran out
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   try {
 *     await giambio.failAfter(2, () => giambio.sleep(5)); // a slow connect, say
 *   } catch (err) {
 *     if (err instanceof giambio.TooSlowError) console.log(`timed out at ${giambio.clock()} s`);
 *     else throw err;
 *   }
 * });
 * ```
 *
 * ```text
 * timed out at 2 s
 * ```
 */
export function failAfter<T>(
  seconds: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
): Promise<Awaited<T>> {
  checkDuration(seconds, "seconds");
  checkFunction(fn, "fn");
  const frame = currentFrame("failAfter");
  return compound(
    "failAfter",
    frame,
    runScope<T>,
    fn,
    timed(
      seconds,
      true,
      `failAfter(${seconds}) expired: the operation did not finish within ${seconds} seconds`,
    ),
  ) as Promise<Awaited<T>>;
}

/**
 * Like {@link failAfter}, with an absolute `deadline` on the run's clock.
 *
 * @example
 * ```ts
 * await giambio.failAt(giambio.clock() + 2, () => download(url));
 * ```
 */
export function failAt<T>(
  deadline: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
): Promise<Awaited<T>> {
  checkDeadline(deadline, "deadline");
  checkFunction(fn, "fn");
  const frame = currentFrame("failAt");
  return compound(
    "failAt",
    frame,
    runScope<T>,
    fn,
    timed(
      deadline,
      false,
      `failAt(${deadline}) expired: the operation did not finish by its deadline, ${deadline} on the run's clock`,
    ),
  ) as Promise<Awaited<T>>;
}

/** How an operation of this module opens its scope, once awaited. */
function timed(deadline: number, relative: boolean, fail: string | null): ScopeSpec {
  return { deadline, shield: false, relative, fail };
}
