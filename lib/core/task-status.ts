/**
 * `nursery.start()`: the `TaskStatus` its child receives, and the operation that starts the
 * child under the caller's scope and waits for `status.started()`.
 *
 * @module
 */
import type { AsyncResource } from "node:async_hooks";
import { TaskCancelledError, newCancelled } from "../errors";
import type { CancelScope } from "./cancel-scope";
import type { Nursery } from "./nursery";
import type { Operation } from "./operation";
import { Task } from "./task";
import type { Waiter } from "./waiter";

/**
 * Handed to a function started with `nursery.start()`: it calls `started(value)` once it is
 * ready (listening, connected, ...), which makes `start()` return `value`.
 *
 * @typeParam V - the type of the value passed to `started`
 *
 * @example
 * ```ts
 * async function server(status: giambio.TaskStatus<number>): Promise<void> {
 *   status.started(8080); // start() returns 8080 now
 *   await giambio.sleepForever();
 * }
 * ```
 */
export class TaskStatus<V = undefined> {
  /** @internal */ _started = false;
  /** @internal */ _task: Task | null = null;
  /** @internal */ _waiter: Waiter | null = null;
  /** @internal */ private readonly _nursery: Nursery;
  /** @internal */ private readonly _callerScope: CancelScope;

  /** @internal */
  constructor(nursery: Nursery, callerScope: CancelScope) {
    if (typeof nursery !== "object" || nursery === null) {
      throw new TypeError(
        "TaskStatus objects are made by nursery.start(), which passes one to the task's " +
          "function; do not construct them",
      );
    }
    this._nursery = nursery;
    this._callerScope = callerScope;
  }

  /**
   * Reports that the task is ready: `start()` returns `value`, and the task moves from the
   * caller's scope into the nursery. Not a checkpoint.
   *
   * @throws `TypeError` when called a second time
   */
  started(...value: V extends undefined ? [value?: V] : [value: V]): void {
    if (this._started) throw new TypeError("status.started() was called twice");
    const task = this._task as Task;
    if (task.done) throw new TypeError("status.started() was called after its task ended");
    this._started = true;
    const nursery = this._nursery;
    nursery._starting?.delete(task);
    nursery._children.push(task);
    task._ownScope._reparent(nursery._scope);
    (this._waiter as Waiter).wake(value[0]);
  }

  /** @internal The child ended before calling `started()`: `start()` throws. */
  _childEnded(task: Task): void {
    const w = this._waiter as Waiter;
    if (task._state === "failed") {
      w.fail(task._error);
    } else if (task._state === "cancelled") {
      w.fail(this._callerScope._cancelled ? newCancelled() : new TaskCancelledError(task.name));
    } else {
      w.fail(
        new TypeError(
          `Task ${JSON.stringify(task.name)} returned without calling status.started(); ` +
            "a function run with nursery.start() must call it once it is ready",
        ),
      );
    }
  }
}

/** @internal What `nursery.start()` hands its operation. */
export interface StartRequest {
  nursery: Nursery;
  fn: (...args: unknown[]) => unknown;
  args: unknown[];
  ctx: AsyncResource;
}

/** @internal The body of `nursery.start()`, once awaited. */
export function startChild<V>(op: Operation<V>, req: StartRequest): void {
  const { nursery, fn } = req;
  nursery._checkOpen(fn);
  // A checkpoint: code that is already cancelled does not start the child at all.
  if (op.failIfCancelled()) return;
  const f = op._frame;
  const status = new TaskStatus<unknown>(nursery, f._scope);
  const task = new Task(nursery._runner, fn, [status, ...req.args], nursery, f._scope, req.ctx);
  task._status = status;
  status._task = task;
  (nursery._starting ??= new Set()).add(task);
  status._waiter = op.parkHere(false);
  nursery._runner._spawned(task);
}
