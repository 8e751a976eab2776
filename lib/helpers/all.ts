/**
 * `all`: run functions at once and collect their results, the structured `Promise.all`.
 *
 * @module
 */
import { compound, currentFrame, describe, runNursery, type Frame, type Task } from "../core";

/** The results of `all(fns)`: for a tuple of functions, a tuple of their awaited results. */
export type AllResults<F extends readonly (() => unknown)[]> = {
  -readonly [K in keyof F]: F[K] extends () => infer R ? Awaited<R> : never;
};

/**
 * Runs every function of `fns` at once, each as a task in a nursery of its own, and
 * resolves with their results in the order of `fns` (for a tuple of functions, a tuple of
 * their result types). It is `Promise.all` without the leak: when one function fails, the
 * others are cancelled and awaited, and the failure is thrown as a nursery throws it (the
 * error itself, or a `MultiError` when several failed). When it returns, nothing it
 * started is still running.
 *
 * Cancellation: a checkpoint (leaving the nursery is one). When the caller is cancelled,
 * every function still running is cancelled and awaited, and `all` throws `Cancelled`;
 * the results of those that had finished are lost.
 *
 * @param fns - the functions to call, with no arguments (close over what they need)
 * @returns their results, in order
 * @throws `TypeError` at the call when `fns` is not an array or holds something that is not
 *   a function (naming it: `` fns[2] ``); the first failure (or a `MultiError`)
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const [user, posts] = await giambio.all([
 *     async () => {
 *       await giambio.sleep(0.2);
 *       return { name: "ada" };
 *     },
 *     async () => {
 *       await giambio.sleep(0.1);
 *       return ["hello", "again"];
 *     },
 *   ]);
 *   console.log(user.name, posts.length);
 * });
 * ```
 *
 * ```text
 * ada 2
 * ```
 */
export function all<const F extends readonly (() => unknown)[]>(fns: F): Promise<AllResults<F>> {
  const list = checkFunctions(fns, "fns");
  const frame = currentFrame("all");
  return compound("all", frame, allBody, list, undefined) as Promise<AllResults<F>>;
}

async function allBody(frame: Frame, fns: (() => unknown)[]): Promise<unknown[]> {
  // The tasks hold the results, so there is no wrapper function per call: `all` costs what
  // spawning and joining the same tasks in a nursery costs.
  const tasks: Task[] = new Array<Task>(fns.length);
  await runNursery(frame, (nursery) => {
    for (let i = 0; i < fns.length; i++) tasks[i] = nursery.spawn(fns[i]!);
  });
  const results = new Array<unknown>(tasks.length);
  for (let i = 0; i < tasks.length; i++) results[i] = tasks[i]!.result;
  return results;
}

/**
 * Copies an array of functions, throwing at the call when it is not one.
 *
 * Internal to giambio: not part of the public API.
 */
/** @internal */
export function checkFunctions(fns: unknown, name: string): (() => unknown)[] {
  if (!Array.isArray(fns)) {
    throw new TypeError(`Expected \`${name}\` to be an array of functions, got ${describe(fns)}`);
  }
  const list = fns.slice() as unknown[];
  for (let i = 0; i < list.length; i++) {
    if (typeof list[i] !== "function") {
      throw new TypeError(`Expected \`${name}[${i}]\` to be a function, got ${describe(list[i])}`);
    }
  }
  return list as (() => unknown)[];
}
