/**
 * The kernel's front door: everything the rest of giambio may use of `lib/core/`, and the
 * only module outside `lib/core/` may import (an ESLint rule enforces it).
 *
 * The interface, by job:
 * - running: `Runner` (one run), the clock interface, instruments;
 * - finding where code runs: `currentFrame`, `insideLiveRun`;
 * - blocking: `operation` (a lazy operation whose body parks or completes it; see
 *   operation.ts for the methods a body may call), `compound` (an operation made of other
 *   giambio calls), `ParkingLot` (a fair queue of parked operations), `Waiter`;
 * - structure: `Task`, `Nursery`, `TaskStatus`, `runNursery` (the function form),
 *   `openBlockNursery` (the block form), `CancelScope` and `runScope` (a scope around a
 *   function, with a deadline and a shield);
 * - introspection: `describeRun` and `describeCurrentRun` for `taskTree()`;
 * - testing: `waitIdle` for `waitAllTasksBlocked()`;
 * - argument checks and spawn traces, shared with the layers above.
 *
 * @internal
 * @module
 */
export { Runner, type RunnerOptions } from "./runner";
export { systemClock, type RunClock, type ClockListener } from "./clock";
export { checkInstruments, type Instrument } from "./instruments";
export {
  activeFrame as currentFrame,
  insideLiveRun,
  frameTask,
  frameScope,
  type Frame,
} from "./context";
export { operation, compound, type Operation } from "./operation";
export { ParkingLot } from "./parking-lot";
export { checkpointIn, clockIn } from "./checkpoint";
export type { Waiter } from "./waiter";
export { Task, type TaskState } from "./task";
export { Nursery, TaskStatus, runNursery, spawnFrom } from "./nursery";
export { openBlockNursery } from "./block-nursery";
export { CancelScope } from "./cancel-scope";
export { runScope, type ScopeSpec } from "./scope-run";
export { describeRun, type TaskNode, type TaskTree } from "./introspect";
export { waitIdle, describeCurrentRun } from "./testing-hooks";
export { type SpawnTraceEntry } from "./trace";
export {
  describe,
  checkFunction,
  checkDuration,
  checkDeadline,
  checkBoolean,
  checkOptions,
  checkInteger,
} from "./validate";
