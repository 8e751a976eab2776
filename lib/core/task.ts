/**
 * Tasks: one native async function call, owned by a nursery, with its own cancel scope and
 * an implicit nursery for the children it spawns.
 *
 * A task is *finished* only when its function has returned and all its children have
 * finished. Its body runs inside its implicit nursery: a failing child cancels the body
 * (and the other children) and the task fails with the child's error.
 *
 * @internal (the class is exported publicly for types and `instanceof`)
 * @module
 */
import { AsyncResource } from "node:async_hooks";
import { TaskCancelledError, isCancelled } from "../errors";
import { CancelScope } from "./cancel-scope";
import { activeFrame, storage, type Frame } from "./context";
import { combineErrors } from "./failures";
import { WaitQueue, type IntrusiveList } from "./list";
import { Nursery } from "./nursery";
import type { TaskStatus } from "./task-status";
import { operation, type Operation } from "./operation";
import type { Runner } from "./runner";
import { addTrace, captureSite } from "./trace";
import type { Waiter } from "./waiter";

/**
 * The async context a task was spawned from (SPEC §3): an `AsyncResource` made at the
 * spawn captures every `AsyncLocalStorage` store the spawning code could read, and the task
 * starts inside it. (Measured: 0.1–0.25 µs per task on Node 20 and 0.05 µs on Node 24,
 * against 4–18 µs for `AsyncLocalStorage.snapshot()`.)
 */
/** @internal */
export function captureContext(): AsyncResource {
  return new AsyncResource("giambio.Task");
}

/** Where a task is in its life. */
export type TaskState = "pending" | "running" | "finished" | "failed" | "cancelled";

let nextId = 1;

/**
 * A handle on a running async function, made by `spawn()`, `nursery.spawn()` or
 * `nursery.start()`.
 *
 * @typeParam T - what the task's function returns
 * @example
 * ```ts
 * async function fetchUser(id: number): Promise<{ id: number; name: string }> {
 *   await giambio.sleep(1);
 *   return { id, name: "Ada" };
 * }
 *
 * await giambio.run(async () => {
 *   const task = giambio.spawn(fetchUser, 42);
 *   console.log(task.name, task.state);
 *   const user = await task.join();
 *   console.log(user.name, task.state);
 * });
 * ```
 *
 * ```text
 * fetchUser pending
 * Ada finished
 * ```
 */
export class Task<T = unknown> implements Frame {
  /** A number unique in the process, increasing in spawn order. */
  readonly id: number;
  /** The function's name, or `"<anonymous>"`. */
  readonly name: string;

  /** @internal */ _task: Task;
  /** @internal The innermost scope of the task's own frame (a block nursery swaps it). */
  _scope: CancelScope;
  /** @internal */ _nursery: Nursery | null = null;
  /** @internal The task's own scope: `cancel()` cancels it; children hang below it. */
  readonly _ownScope: CancelScope;
  /** @internal */ readonly _runner: Runner;
  /** @internal The nursery this task belongs to (`null` for the root task). */
  _parentNursery: Nursery | null;
  /** @internal Set while a `nursery.start()` child has not called `started()`. */
  _status: TaskStatus | null = null;
  /** @internal */ _state: TaskState = "pending";
  /** @internal What the function returned (public through `result` once finished). */
  _result: T | undefined = undefined;
  /** @internal */ _error: unknown = undefined;
  /** @internal */ _bodyDone = false;
  /** @internal */ _bodyCancelled = false;
  /** @internal */ _implicit: Nursery | null = null;
  /** @internal Function-form and block-form nurseries this task has open. */
  _open: Set<Nursery> | null = null;
  /** @internal */ _joiners: WaitQueue<Waiter> | null = null;
  /** @internal Waits in progress (plus one while waiting for children). */
  _parked = 0;
  /** @internal */ _waitingChildren = false;
  /** @internal The wait the task parked in last, while parked (for `taskTree()`). */
  _waitingOn: Waiter | null = null;
  /** @internal Where the task was spawned, with `runWith({ traceSpawns: true })`. */
  _spawnSite: string | null = null;
  /** @internal Links in the nursery's child list. */
  _prev: Task | null = null;
  /** @internal */ _next: Task | null = null;
  /** @internal */ _list: IntrusiveList<Task> | null = null;
  /** @internal */ _fn: ((...args: unknown[]) => unknown) | null;
  /** @internal */ _args: unknown[] | null;
  /** @internal The async context of the code that spawned it (SPEC §3). */
  _ctx: AsyncResource | null;

  /** @internal Tasks are made by `spawn()` and nurseries. */
  constructor(
    runner: Runner,
    fn: (...args: unknown[]) => unknown,
    args: unknown[],
    parentNursery: Nursery | null,
    scopeParent: CancelScope,
    ctx: AsyncResource,
  ) {
    // Cheap guard against a hand-made task (giambio always passes these two).
    if (typeof runner !== "object" || runner === null || typeof fn !== "function") {
      throw new TypeError(
        "Task objects are made by spawn(), nursery.spawn() or nursery.start(); do not " +
          "construct them",
      );
    }
    this.id = nextId++;
    this.name = fn.name || "<anonymous>";
    this._runner = runner;
    this._fn = fn;
    this._args = args;
    this._ctx = ctx;
    this._parentNursery = parentNursery;
    this._ownScope = new CancelScope(scopeParent, runner);
    this._scope = this._ownScope;
    this._task = this;
    if (runner._traceSpawns) this._spawnSite = captureSite();
  }

  /** `"pending"` until the scheduler starts it, then `"running"`, then how it ended. */
  get state(): TaskState {
    return this._state;
  }

  /** Whether the task has ended (finished, failed or cancelled), children included. */
  get done(): boolean {
    return this._state !== "pending" && this._state !== "running";
  }

  /** What the function returned, once the task has finished; otherwise `undefined`. */
  get result(): T | undefined {
    return this._state === "finished" ? this._result : undefined;
  }

  /** The error the task failed with; `undefined` unless `state` is `"failed"`. */
  get error(): unknown {
    return this._error;
  }

  /** Aborts when the task is cancelled; hand it to APIs that take a `signal`. */
  get signal(): AbortSignal {
    return this._ownScope.signal;
  }

  /**
   * Cancels the task and everything it started: each gets `Cancelled` at its next
   * checkpoint. Not a failure: the task ends `"cancelled"`, its nursery carries on, and
   * `join()` rejects with `TaskCancelledError`. Idempotent; not a checkpoint.
   *
   * @param reason - kept on the `Cancelled` errors
   */
  cancel(reason?: unknown): void {
    this._ownScope.cancel(reason);
  }

  /**
   * Waits until the task has ended, children included. A checkpoint.
   *
   * @returns what the task's function returned
   * @throws the task's own error if it failed (catching it here does not stop its nursery
   *   from failing with it); `TaskCancelledError` if it ended cancelled; `Cancelled` if the
   *   *caller* is cancelled while waiting (the task goes on).
   *
   * Cancel safety: cancelling a `join()` loses nothing; join again later.
   */
  join(): Promise<T> {
    const frame = storage.getStore();
    if ((frame === undefined || frame._scope._closed) && this.done) return this._settled();
    const f = activeFrame("Task.join");
    if (f._task === this)
      throw new TypeError(`Task ${JSON.stringify(this.name)} cannot join itself`);
    for (let n = f._task._parentNursery; n !== null; n = n._owner?._parentNursery ?? null) {
      if (n._owner === this) {
        throw new TypeError(
          `Task ${JSON.stringify(f._task.name)} cannot join its ancestor ` +
            `${JSON.stringify(this.name)}: a task finishes only after its children, so this would wait forever`,
        );
      }
    }
    const op: Promise<unknown> = operation("Task.join", f, joinTask, this as Task, undefined);
    return op as Promise<T>;
  }

  /** @internal The body of `join()`, once awaited. */
  _join(op: Operation<unknown>): void {
    if (op.failIfCancelled()) return;
    if (this.done) {
      if (this._state === "finished") op.now(this._result);
      else op.fail(this._state === "failed" ? this._error : new TaskCancelledError(this.name));
      return;
    }
    op._what = this;
    op.parkHere();
    (this._joiners ??= new WaitQueue<Waiter>()).push(op);
  }

  /** @internal */
  _park(): void {
    if (this._parked++ === 0) this._runner._taskBlocked();
  }

  /** @internal */
  _unpark(): void {
    if (--this._parked === 0) this._runner._taskUnblocked();
  }

  /** @internal The implicit nursery, made on first use. */
  _implicitNursery(): Nursery {
    return (this._implicit ??= new Nursery(this, this._ownScope, true));
  }

  /**
   * @internal Called by the scheduler's batch: starts the function, in the async context it
   * was spawned from, with the task as giambio's frame.
   */
  _resume(): void {
    if (this._state !== "pending") return;
    this._state = "running";
    const ctx = this._ctx as AsyncResource;
    this._ctx = null;
    ctx.runInAsyncScope(startBody, null, this);
  }

  /** @internal */
  _bodyReturned(value: T): void {
    this._result = value;
    this._afterBody();
  }

  /** @internal */
  _bodyThrew(err: unknown): void {
    if (isCancelled(err) && this._ownScope._cancelled) {
      // Cancelled by our own scope (absorbed here) or from outside (our nursery is
      // cancelled too): either way an ending, not a failure.
      this._bodyCancelled = true;
    } else {
      this._implicitNursery()._recordError(err);
    }
    this._afterBody();
  }

  private _afterBody(): void {
    this._bodyDone = true;
    const runner = this._runner;
    if (runner._unawaitedCount > 0) runner._taskBodyEnded(this);
    if (this._open !== null) {
      for (const n of this._open) n._bodyEnded();
    }
    if (!this._maybeFinish() && !this._waitingChildren) {
      this._waitingChildren = true;
      this._park();
    }
  }

  /** @internal Finishes the task if its body and all its children are done. */
  _maybeFinish(): boolean {
    if (!this._bodyDone || this.done) return this.done;
    if (this._implicit !== null && this._implicit._live() > 0) return false;
    if (this._open !== null && this._open.size > 0) return false;
    this._finish();
    return true;
  }

  private _finish(): void {
    const errors = this._implicit?._errors;
    if (errors != null && errors.length > 0) {
      this._state = "failed";
      this._error = combineErrors(errors);
      if (this._runner._traceSpawns) addTrace(this._error, this);
    } else if (this._bodyCancelled) {
      this._state = "cancelled";
    } else {
      this._state = "finished";
    }
    if (this._state !== "finished") this._result = undefined;
    if (this._waitingChildren) {
      this._waitingChildren = false;
      this._unpark();
    }
    this._implicit?._close();
    this._ownScope._close();
    const runner = this._runner;
    if (runner._instruments !== null) runner._hook("taskExited", this);
    const joiners = this._joiners;
    if (joiners !== null) {
      this._joiners = null;
      for (let w = joiners.shift(); w !== null; w = joiners.shift()) this._wakeJoiner(w);
    }
    if (this._parentNursery !== null) {
      this._runner._taskExited();
      this._parentNursery._childExited(this);
    } else {
      this._runner._rootExited(this);
    }
  }

  private _wakeJoiner(w: Waiter): void {
    if (this._state === "finished") w.wake(this._result);
    else if (this._state === "failed") w.fail(this._error);
    else w.fail(new TaskCancelledError(this.name));
  }

  private _settled(): Promise<T> {
    if (this._state === "finished") return Promise.resolve(this._result as T);
    if (this._state === "failed") return Promise.reject(this._error);
    return Promise.reject(new TaskCancelledError(this.name));
  }
}

function startBody(task: Task): void {
  storage.run(task, runBody, task);
}

function runBody(task: Task): void {
  const fn = task._fn as (...args: unknown[]) => unknown;
  const args = task._args as unknown[];
  task._fn = task._args = null;
  let result: unknown;
  try {
    result = fn(...args);
  } catch (err) {
    task._bodyThrew(err);
    return;
  }
  // No closures per task: the reactions run in the task's context (they are registered
  // inside storage.run), so the store is the task.
  void Promise.resolve(result).then(onBodyValue, onBodyError);
}

function onBodyValue(value: unknown): void {
  (storage.getStore() as Task)._bodyReturned(value);
}

function onBodyError(err: unknown): void {
  (storage.getStore() as Task)._bodyThrew(err);
}

function joinTask(op: Operation<unknown>, task: Task): void {
  task._join(op);
}
