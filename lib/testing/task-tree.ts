/**
 * `taskTree`: a snapshot of every task of the current run, for debugging and tests.
 *
 * @module
 */
import { currentFrame, describeCurrentRun, type TaskTree } from "../core";

export type { TaskNode, TaskTree } from "../core";

/**
 * A snapshot of every task of the current run: each task's name, id, state, what it waits
 * on, when its sleep ends, the deadline that applies to it and, with
 * `runWith({ traceSpawns: true })`, where it was spawned. `String(taskTree())` renders it
 * as an indented dump. Not a checkpoint.
 *
 * @throws `TypeError` outside a run
 * @example
 * ```ts
 * import * as giambio from "giambio";
 * import { taskTree, waitAllTasksBlocked } from "giambio/testing";
 *
 * await giambio.run(async function main() {
 *   await giambio.withNursery(async (nursery) => {
 *     nursery.spawn(async function worker() {
 *       await giambio.sleep(5);
 *     });
 *     await waitAllTasksBlocked();
 *     console.log(String(taskTree()));
 *   });
 * });
 * ```
 *
 * ```text
 * main #... running
 * └─ worker #... running, waiting on sleep until 5
 * ```
 */
export function taskTree(): TaskTree {
  return describeCurrentRun(currentFrame("taskTree"));
}
