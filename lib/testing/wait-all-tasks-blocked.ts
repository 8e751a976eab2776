/**
 * `waitAllTasksBlocked`: wait until the rest of the run has nothing left to do.
 *
 * @module
 */
import { checkDuration, currentFrame, operation, waitIdle, type Operation } from "../core";

/**
 * Waits until every other task of the run is blocked, and has stayed blocked for `cushion`
 * real seconds. A task is blocked while it waits in a giambio operation (`sleep`, `join`,
 * a lock, a channel, waiting for its children) or on a foreign promise through
 * `cancellable()`; a task running code, or awaiting a promise giambio does not know about,
 * is not. A checkpoint.
 *
 * Use it in tests to step a scenario without guessing at delays: start tasks, wait until
 * they are all stuck, then check what they did. When several calls wait at once, the one
 * with the smallest cushion returns first (ties in call order), and only one returns per
 * idle period. On a `MockClock` with autojump, waiters with a cushion no larger than the
 * autojump threshold return before time jumps.
 *
 * @param cushion - real seconds every other task must stay blocked, a number >= 0
 * @throws `TypeError`/`RangeError` at the call for a bad `cushion`; `Cancelled` when cancelled
 *
 * Cancel safety: nothing is lost; the call can simply be made again.
 * @example
 * ```ts
 * import * as giambio from "giambio";
 * import { waitAllTasksBlocked } from "giambio/testing";
 *
 * await giambio.run(async () => {
 *   let steps = 0;
 *   const task = giambio.spawn(async () => {
 *     steps++;
 *     await giambio.sleepForever();
 *   });
 *   await waitAllTasksBlocked();
 *   console.log(steps);
 *   task.cancel();
 * });
 * ```
 *
 * ```text
 * 1
 * ```
 */
export function waitAllTasksBlocked(cushion = 0): Promise<void> {
  checkDuration(cushion, "cushion");
  const frame = currentFrame("waitAllTasksBlocked");
  return operation("waitAllTasksBlocked", frame, waitBlocked, cushion, undefined);
}

function waitBlocked(op: Operation<void>, cushion: number): void {
  if (op.failIfCancelled()) return;
  op.parkHere();
  waitIdle(op, cushion);
}
