/**
 * `race`: run functions at once, keep the first result, cancel the rest; the structured
 * `Promise.race`.
 *
 * @module
 */
import { compound, currentFrame, runNursery, type Frame, type Nursery } from "../core";
import { checkFunctions } from "./all";

/**
 * Runs every function of `fns` at once, each as a task in a nursery of its own; the first
 * to return wins: the others are cancelled and awaited, then its value is returned. Unlike
 * `Promise.race`, the losers do not run on after the race is decided, and a function that
 * fails is never ignored: a failure before there is a winner cancels the others and is
 * thrown as a nursery throws it. A loser that fails (other than by being cancelled) while
 * it is being cancelled is thrown too: no error is lost.
 *
 * Cancellation: a checkpoint (leaving the nursery is one). When the caller is cancelled,
 * every function is cancelled and awaited and `race` throws `Cancelled`, even if one had
 * already won.
 *
 * @param fns - the contenders, called with no arguments; at least one
 * @returns the winner's value
 * @throws `TypeError` at the call when `fns` is not an array of functions, `RangeError`
 *   when it is empty (a race of nothing would never end); a contender's failure (or a
 *   `MultiError`)
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const fastest = await giambio.race([
 *     async () => {
 *       await giambio.sleep(0.3);
 *       return "mirror A";
 *     },
 *     async () => {
 *       await giambio.sleep(0.1);
 *       return "mirror B";
 *     },
 *   ]);
 *   console.log(fastest); // and mirror A was cancelled
 * });
 * ```
 *
 * ```text
 * mirror B
 * ```
 */
export function race<const F extends readonly (() => unknown)[]>(
  fns: F,
): Promise<F[number] extends () => infer R ? Awaited<R> : never> {
  const list = checkFunctions(fns, "fns");
  if (list.length === 0) {
    throw new RangeError("Expected `fns` to hold at least one function, got an empty array");
  }
  const frame = currentFrame("race");
  return compound("race", frame, raceBody, list, undefined) as Promise<
    F[number] extends () => infer R ? Awaited<R> : never
  >;
}

/** What the contenders share: whether one has won, and its value. */
interface Finish {
  won: boolean;
  value: unknown;
  nursery: Nursery | null;
}

async function contend(fn: () => unknown, finish: Finish): Promise<void> {
  const value = await fn();
  if (finish.won) return;
  finish.won = true;
  finish.value = value;
  // Cancels the losers (and this task, which ends here without another checkpoint). The
  // nursery's own cancellation is absorbed by it, so the race returns normally.
  finish.nursery!.cancel();
}

async function raceBody(frame: Frame, fns: (() => unknown)[]): Promise<unknown> {
  const finish: Finish = { won: false, value: undefined, nursery: null };
  await runNursery(frame, (nursery) => {
    finish.nursery = nursery;
    for (const fn of fns) nursery.spawn(contend, fn, finish);
  });
  return finish.value;
}
