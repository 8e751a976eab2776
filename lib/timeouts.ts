/**
 * Cancel scopes and timeouts: `withCancelScope`, `moveOnAfter`, `moveOnAt`, `failAfter`,
 * `failAt`.
 *
 * @module
 */
import { TooSlowError } from "./errors";
import { CancelScope } from "./core/cancel-scope";
import { activeFrame, ScopeFrame, storage, type Frame } from "./core/context";
import { operation } from "./core/operation";
import {
  checkBoolean,
  checkDeadline,
  checkDuration,
  checkFunction,
  checkOptions,
} from "./core/validate";

/**
 * Options of {@link withCancelScope}.
 *
 * @example
 * ```ts
 * await giambio.withCancelScope(cleanup, { shield: true, deadline: giambio.clock() + 5 });
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
 * const value = await giambio.withCancelScope(async (scope) => {
 *   setTimeoutSomewhere(() => scope.cancel());
 *   return await work();
 * }, { deadline: giambio.clock() + 30 });
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
  const frame = activeFrame("withCancelScope");
  return operation("withCancelScope", frame, inScope<T>, fn, {
    deadline: deadline ?? Infinity,
    shield: shield === true,
    relative: false,
    fail: false,
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
 * const reply = await giambio.moveOnAfter(5, () => ask(server));
 * if (reply === undefined) console.log("no reply within 5 s");
 * ```
 */
export function moveOnAfter<T>(
  seconds: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
): Promise<Awaited<T> | undefined> {
  checkDuration(seconds, "seconds");
  checkFunction(fn, "fn");
  const frame = activeFrame("moveOnAfter");
  return operation("moveOnAfter", frame, inScope<T>, fn, timed(seconds, true, false));
}

/**
 * Like {@link moveOnAfter}, with an absolute `deadline` on the run's clock.
 *
 * @example
 * ```ts
 * const deadline = giambio.clock() + 60;
 * await giambio.moveOnAt(deadline, () => crawl(site));
 * ```
 */
export function moveOnAt<T>(
  deadline: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
): Promise<Awaited<T> | undefined> {
  checkDeadline(deadline, "deadline");
  checkFunction(fn, "fn");
  const frame = activeFrame("moveOnAt");
  return operation("moveOnAt", frame, inScope<T>, fn, timed(deadline, false, false));
}

/**
 * Runs `fn` with a deadline `seconds` from now; if it passes first, `fn` is cancelled and
 * `failAfter` throws `TooSlowError`.
 *
 * @returns `fn`'s value
 * @throws `TooSlowError` when the time ran out
 * @example
 * ```ts
 * try {
 *   await giambio.failAfter(2, () => connect(host));
 * } catch (err) {
 *   if (err instanceof giambio.TooSlowError) console.log("connect timed out");
 *   else throw err;
 * }
 * ```
 */
export function failAfter<T>(
  seconds: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
): Promise<Awaited<T>> {
  checkDuration(seconds, "seconds");
  checkFunction(fn, "fn");
  const frame = activeFrame("failAfter");
  return operation("failAfter", frame, inScope<T>, fn, timed(seconds, true, true)) as Promise<
    Awaited<T>
  >;
}

/**
 * Like {@link failAfter}, with an absolute `deadline` on the run's clock.
 *
 * @example
 * ```ts
 * await giambio.failAt(giambio.clock() + 2, () => connect(host));
 * ```
 */
export function failAt<T>(
  deadline: number,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
): Promise<Awaited<T>> {
  checkDeadline(deadline, "deadline");
  checkFunction(fn, "fn");
  const frame = activeFrame("failAt");
  return operation("failAt", frame, inScope<T>, fn, timed(deadline, false, true)) as Promise<
    Awaited<T>
  >;
}

/** How an operation of this module opens its scope, once awaited. */
interface ScopeSpec {
  deadline: number;
  shield: boolean;
  /** `deadline` is a number of seconds from when the scope opens. */
  relative: boolean;
  /** Throw `TooSlowError` when the scope absorbed its own cancellation. */
  fail: boolean;
}

function timed(deadline: number, relative: boolean, fail: boolean): ScopeSpec {
  return { deadline, shield: false, relative, fail };
}

function inScope<T>(
  frame: Frame,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
  spec: ScopeSpec,
): Promise<Awaited<T> | undefined> {
  const now = spec.relative ? frame._task._runner._clock.now() : 0;
  const scope = openScope(frame, spec.relative ? now + spec.deadline : spec.deadline);
  if (spec.shield) scope.shield = true;
  const result = runInScope(frame, scope, fn);
  return spec.fail ? failIfCaught(result, scope) : result;
}

async function failIfCaught<T>(result: Promise<T | undefined>, scope: CancelScope): Promise<T> {
  const value = await result;
  if (scope.cancelledCaught) throw new TooSlowError();
  return value as T;
}

function openScope(frame: Frame, deadline: number): CancelScope {
  const scope = new CancelScope(frame._scope, frame._task._runner);
  // A deadline already passed cancels at the first checkpoint inside (cancel() only sets state).
  if (deadline !== Infinity) scope.deadline = deadline;
  return scope;
}

async function runInScope<T>(
  frame: Frame,
  scope: CancelScope,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
): Promise<Awaited<T> | undefined> {
  try {
    return await storage.run(new ScopeFrame(frame._task, scope, frame._nursery), fn, scope);
  } catch (err) {
    if (scope._absorbs(err)) {
      scope._cancelledCaught = true;
      return undefined;
    }
    throw err;
  } finally {
    scope._close();
  }
}
