/**
 * What `giambio/testing` needs of a run and may not reach itself: parking an operation
 * until the run is idle (`waitAllTasksBlocked`), and a snapshot of the run (`taskTree`).
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import type { Frame } from "./context";
import { describeRun, type TaskTree } from "./introspect";
import type { Operation } from "./operation";

/**
 * Registers `op`, already parked, with its run's idleness: it is woken once every other
 * task has stayed blocked for `cushion` real seconds (see idleness.ts).
 */
/** @internal */
export function waitIdle(op: Operation<void>, cushion: number): void {
  op.task._runner._waitIdle(op, cushion);
}

/** A snapshot of the tasks of the run the code in `frame` belongs to. */
/** @internal */
export function describeCurrentRun(frame: Frame): TaskTree {
  return describeRun(frame._task._runner);
}
