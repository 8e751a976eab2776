/**
 * Opening nurseries: `withNursery` (the function form) and `openNursery` (the block form).
 *
 * @module
 */
import {
  checkFunction,
  compound,
  currentFrame,
  openBlockNursery,
  runNursery,
  type Nursery,
} from "./core";

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
  const frame = currentFrame("withNursery");
  return compound("withNursery", frame, runNursery<T>, fn, undefined);
}

/**
 * Opens a nursery for an `await using` block. The block's code runs under the nursery's
 * cancel scope, and `spawn()` in it puts children in this nursery. End the block's happy
 * path with `await nursery.join()`; leaving the block otherwise cancels and awaits the
 * children. What is thrown in each case is written once, in the Nurseries guide ("The block
 * form", and its table "The cases at a glance").
 *
 * @returns the nursery; dispose it with `await using`
 * @example
 * ```ts
 * async function worker(n: number): Promise<void> {
 *   await giambio.sleep(n);
 *   console.log(`worker ${n} done at ${giambio.clock()} s`);
 * }
 *
 * await giambio.run(async () => {
 *   {
 *     await using nursery = giambio.openNursery();
 *     nursery.spawn(worker, 1);
 *     nursery.spawn(worker, 2);
 *     await nursery.join();
 *   }
 *   console.log("both workers are done");
 * });
 * ```
 *
 * ```text
 * worker 1 done at 1 s
 * worker 2 done at 2 s
 * both workers are done
 * ```
 */
export function openNursery(): Nursery {
  return openBlockNursery(currentFrame("openNursery"));
}
