/**
 * A cancel scope around a function: what `withCancelScope`, `moveOnAfter`, `moveOnAt`,
 * `failAfter` and `failAt` are made of.
 *
 * The function runs in a new frame whose scope is the new one, so two scopes running
 * concurrently in one task (under `Promise.all`) each see their own. A `Cancelled` leaving
 * the function is absorbed here only if this scope is the outermost cancelled scope that
 * can see it (`CancelScope._exitWith`, trio's rule).
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { TooSlowError } from "../errors";
import { CancelScope } from "./cancel-scope";
import { ScopeFrame, storage, type Frame } from "./context";

/** What scope to open. */
/** @internal */
export interface ScopeSpec {
  deadline: number;
  shield: boolean;
  /** `deadline` is a number of seconds from when the scope opens. */
  relative: boolean;
  /** Throw `TooSlowError` (with this message) when the scope absorbed its cancellation. */
  fail: string | null;
}

/** Opens the scope `spec` describes under `frame`'s, runs `fn(scope)` in it, closes it. */
/** @internal */
export async function runScope<T>(
  frame: Frame,
  fn: (scope: CancelScope) => T | PromiseLike<T>,
  spec: ScopeSpec,
): Promise<Awaited<T> | undefined> {
  const task = frame._task;
  const scope = new CancelScope(frame._scope, task._runner);
  const deadline = spec.relative ? task._runner._clock.now() + spec.deadline : spec.deadline;
  // A deadline already passed cancels at the first checkpoint inside (cancel() only sets state).
  if (deadline !== Infinity) scope.deadline = deadline;
  if (spec.shield) scope.shield = true;
  let value: Awaited<T> | undefined;
  try {
    value = await storage.run(new ScopeFrame(task, scope, frame._nursery), fn, scope);
  } catch (err) {
    if (!scope._exitWith(err)) throw err;
    value = undefined;
  } finally {
    scope._close();
  }
  if (spec.fail !== null && scope.cancelledCaught) throw new TooSlowError(spec.fail);
  return value;
}
