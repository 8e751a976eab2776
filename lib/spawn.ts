/**
 * `spawn` and `currentTask`.
 *
 * @module
 */
import { checkFunction, currentFrame, frameTask, spawnFrom, type Task } from "./core";

/**
 * Starts `fn(...args)` as a child of the calling task: in the innermost nursery the task has
 * open, else in the task's own implicit nursery, which the task waits for before it counts
 * as finished. The child starts in the scheduler's next batch, not inside this call. Not a
 * checkpoint.
 *
 * @param fn - the child's function; `args` are type-checked against its parameters
 * @returns the child's {@link Task}
 * @throws `TypeError` at once if `fn` is not a function, outside a run, or when the nursery
 *   is closed
 * @example
 * ```ts
 * const child = giambio.spawn(giambio.sleep, 1);
 * await child.join();
 * ```
 */
export function spawn<A extends unknown[], T>(
  fn: (...args: A) => T | PromiseLike<T>,
  ...args: A
): Task<Awaited<T>> {
  checkFunction(fn, "fn");
  return spawnFrom(currentFrame("spawn"), fn, args);
}

/**
 * The task running the calling code.
 *
 * @throws `TypeError` outside a run
 * @example
 * ```ts
 * await giambio.run(async function main() {
 *   console.log(`hello from ${giambio.currentTask().name}`);
 * });
 * ```
 *
 * ```text
 * hello from main
 * ```
 */
export function currentTask(): Task {
  return frameTask(currentFrame("currentTask"));
}
