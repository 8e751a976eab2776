/**
 * giambio: structured concurrency for TypeScript and Node.js.
 *
 * This is the list of everything public (explicit, no `export *`); `giambio/testing` has
 * the test tools. A spec snapshots this list.
 *
 * @module
 */
export { run, runWith, type RunOptions } from "./run";
export type { Instrument, SpawnTraceEntry, RunClock } from "./core";
export { clock, sleep, sleepUntil, sleepForever, checkpoint } from "./sleep";
export { spawn, currentTask } from "./spawn";
export { withNursery, openNursery } from "./nursery";
export {
  withCancelScope,
  moveOnAfter,
  moveOnAt,
  failAfter,
  failAt,
  type CancelScopeOptions,
} from "./timeouts";
export { currentSignal, cancellable } from "./cancellable";
export { Event, type EventStatistics } from "./sync/event";
export { Lock, type LockStatistics } from "./sync/lock";
export { Semaphore, type SemaphoreStatistics } from "./sync/semaphore";
export { CapacityLimiter, type CapacityLimiterStatistics } from "./sync/capacity-limiter";
export { Condition, type ConditionStatistics } from "./sync/condition";
export type { Held } from "./sync/hold";
export {
  openMemoryChannel,
  MemorySendChannel,
  MemoryReceiveChannel,
  type MemoryChannelStatistics,
} from "./memory-channel";
export { AsyncSocket, wrapSocket } from "./io/socket";
export type { Stream, SendStream, ReceiveStream } from "./io/stream";
export {
  openTcpStream,
  listenTcp,
  serveTcp,
  type OpenTcpStreamOptions,
  type ResolvedAddress,
  type ListenOptions,
  type ConnectionHandler,
} from "./io/tcp";
export { openTlsStream, serveTls } from "./io/tls";
export {
  runInWorker,
  currentWorkerLimiter,
  type RunInWorkerOptions,
  type WorkerModule,
  type WorkerFunction,
  type WorkerFunctionName,
  type WorkerArgs,
  type WorkerResult,
  type WorkerCallArgs,
} from "./worker/run-in-worker";
export { runProcess, type RunProcessOptions } from "./process/run-process";
export type { ProcessOptions } from "./process/spawn-child";
export { openProcess, type OpenProcessOptions, type StdioMode } from "./process/open-process";
export { Process } from "./process/process";
export type { DeliverCancel } from "./process/cancel-delivery";
export { all, type AllResults } from "./helpers/all";
export { race } from "./helpers/race";
export { map, type MapOptions, type ItemOf } from "./helpers/map";
export { retry, type RetryOptions } from "./helpers/retry";
export { splitErrors, type ErrorMatcher } from "./helpers/split-errors";
export { Task, Nursery, TaskStatus, CancelScope, type TaskState } from "./core";
export {
  Cancelled,
  isCancelled,
  TooSlowError,
  MultiError,
  NurseryError,
  TaskCancelledError,
  KeyboardInterrupt,
  EndOfChannel,
  ClosedResourceError,
  BrokenResourceError,
  BusyResourceError,
  WouldBlock,
  BrokenWorkerError,
  ProcessError,
  type ProcessResult,
} from "./errors";
