/**
 * Opening nurseries: `withNursery` (the function form) and `openNursery` (the block form).
 *
 * @module
 */
import { CancelScope } from "./core/cancel-scope";
import { activeFrame, ScopeFrame, storage, type Frame } from "./core/context";
import { Nursery, isOwnCancel } from "./core/nursery";
import { operation } from "./core/operation";
import { checkFunction } from "./core/validate";
import { newCancelled } from "./errors";

/**
 * Runs `fn(nursery)` and waits for every task spawned in the nursery. If the body or any
 * child throws, everything still running in the nursery is cancelled, and once all have
 * finished the failure is thrown: the error itself when one task failed, else a
 * `MultiError`. Leaving is a checkpoint.
 *
 * @returns the body's value, once every child has finished (`undefined` if the body was cut
 *   short by the nursery's own `cancel()`)
 * @example
 * ```ts
 * await giambio.withNursery(async (nursery) => {
 *   for (const url of urls) nursery.spawn(download, url);
 * });
 * ```
 */
export function withNursery<T>(
  fn: (nursery: Nursery) => T | PromiseLike<T>,
): Promise<Awaited<T> | undefined> {
  checkFunction(fn, "fn");
  const frame = activeFrame("withNursery");
  return operation("withNursery", frame, openAndRun<T>, fn, undefined);
}

function openAndRun<T>(
  frame: Frame,
  fn: (nursery: Nursery) => T | PromiseLike<T>,
): Promise<Awaited<T> | undefined> {
  const task = frame._task;
  const scope = new CancelScope(frame._scope, task._runner);
  const nursery = new Nursery("with", task, scope, task._runner);
  (task._open ??= new Set()).add(nursery);
  return runNursery(frame, nursery, fn);
}

async function runNursery<T>(
  frame: Frame,
  nursery: Nursery,
  fn: (nursery: Nursery) => T | PromiseLike<T>,
): Promise<Awaited<T> | undefined> {
  const scope = nursery._scope;
  let value: Awaited<T> | undefined;
  let bodyError: unknown;
  let threw = false;
  try {
    value = await storage.run(new ScopeFrame(frame._task, scope, nursery), fn, nursery);
  } catch (err) {
    threw = true;
    bodyError = err;
    if (!isOwnCancel(err, scope)) nursery._recordError(err);
  }
  await nursery._waitAll(frame._task);
  nursery._close();
  if (nursery._errors !== null) throw nursery._failure();
  if (threw) {
    if (!scope._absorbs(bodyError)) throw bodyError;
    scope._cancelledCaught = true;
    return undefined;
  }
  // Leaving is a checkpoint: a cancellation from outside is delivered here.
  if (scope._cancelled && scope._parentVisible()) throw newCancelled();
  return value;
}

/**
 * Opens a nursery for an `await using` block. The block's code runs under the nursery's
 * cancel scope, and `spawn()` in it puts children in this nursery. End the block's happy
 * path with `await nursery.join()`; leaving the block otherwise cancels and awaits the
 * children (see SPEC §4 and the nursery guide for exactly what is thrown when).
 *
 * @returns the nursery; dispose it with `await using`
 * @example
 * ```ts
 * {
 *   await using nursery = giambio.openNursery();
 *   nursery.spawn(worker, 1);
 *   nursery.spawn(worker, 2);
 *   await nursery.join();
 * }
 * ```
 */
export function openNursery(): Nursery {
  const frame = activeFrame("openNursery");
  const task = frame._task;
  const scope = new CancelScope(frame._scope, task._runner);
  const nursery = new Nursery("block", task, scope, task._runner);
  scope._blockNursery = nursery;
  nursery._frame = frame;
  nursery._prevScope = frame._scope;
  nursery._prevNursery = frame._nursery;
  frame._scope = scope;
  frame._nursery = nursery;
  (task._open ??= new Set()).add(nursery);
  return nursery;
}
