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
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
// Public names (the package's entries export them) first, then the kernel's internal
// interface, which the shipped type declarations leave out (stripInternal).
export { Task, type TaskState } from "./task";
export { Nursery } from "./nursery";
export { TaskStatus } from "./task-status";
export { CancelScope } from "./cancel-scope";
export type { RunClock, ClockListener } from "./clock";
export type { Instrument } from "./instruments";
export type { TaskNode, TaskTree } from "./introspect";
export type { SpawnTraceEntry } from "./trace";
export type { Frame } from "./context";

/** @internal */
export { Runner, type RunnerOptions } from "./runner";
/** @internal */
export { systemClock } from "./clock";
/** @internal */
export { checkInstruments } from "./instruments";
/** @internal */
export { activeFrame as currentFrame, insideLiveRun, frameTask, frameScope } from "./context";
/** @internal */
export { operation, compound, type Operation } from "./operation";
/** @internal */
export { ParkingLot } from "./parking-lot";
/** @internal */
export { checkpointIn, clockIn, cancelPendingIn } from "./checkpoint";
/** @internal */
export type { Waiter } from "./waiter";
/** @internal */
export { runNursery, spawnFrom } from "./nursery";
/** @internal */
export { openBlockNursery } from "./block-nursery";
/** @internal */
export { runScope, type ScopeSpec } from "./scope-run";
/** @internal */
export { describeRun } from "./introspect";
/** @internal */
export {
  trackResource,
  runService,
  type Closeable,
  type TrackedResource,
  type RunService,
} from "./resources";
/** @internal */
export { waitIdle, describeCurrentRun } from "./testing-hooks";
/** @internal */
export {
  describe,
  checkFunction,
  checkDuration,
  checkFiniteNumber,
  checkDeadline,
  checkBoolean,
  checkOptions,
  checkInteger,
} from "../validate";
