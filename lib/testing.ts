/**
 * `giambio/testing`: tools for testing code written with giambio.
 *
 * @module
 */
export { MockClock, type MockClockOptions } from "./testing/mock-clock";
export { waitAllTasksBlocked } from "./testing/wait-all-tasks-blocked";
export { taskTree, type TaskTree, type TaskNode } from "./testing/task-tree";
export { memoryStreamPair, MemoryStream } from "./testing/memory-stream";
export { withVirtualTime, type VirtualTimeOptions } from "./testing/with-virtual-time";
