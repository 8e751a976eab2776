/**
 * Nurseries: where tasks live. A nursery waits for all its children, cancels the others
 * when one fails, and reports every failure exactly once.
 *
 * Four kinds share this class: the function form (`withNursery`), the block form
 * (`await using n = openNursery()`), a task's implicit nursery (where `spawn()` puts
 * children when no other nursery is open) and the root nursery of a run.
 *
 * Why the block form delivers failures *into* the block: JavaScript never tells a disposer
 * how its block ended, and an error a disposer throws while the block is already throwing
 * reaches the user wrapped in a `SuppressedError`. So when a child fails, the nursery
 * cancels its scope and the block's own code receives the failure itself at its next
 * checkpoint (`cancelErrorFor` hands it out once); the error then leaves the block by the
 * ordinary route, and the disposer only waits for the cancelled children. See SPEC §4 and
 * docs/design.md for every case.
 *
 * @module
 */
import {
  Cancelled,
  MultiError,
  NurseryError,
  TaskCancelledError,
  isCancelled,
  newCancelled,
} from "../errors";
import { CancelScope } from "./cancel-scope";
import { activeFrame, type Frame } from "./context";
import type { Runner } from "./runner";
import { Task } from "./task";
import { checkFunction } from "./validate";
import { operation } from "./operation";
import { Waiter } from "./waiter";

/** @internal */
export type NurseryKind = "implicit" | "with" | "block" | "root";

/**
 * A group of child tasks with one lifetime: it does not end before they all have, a
 * failure of one cancels the others, and the failure is thrown once every child is done.
 *
 * @example
 * ```ts
 * await giambio.withNursery(async (nursery) => {
 *   nursery.spawn(download, "a.txt");
 *   nursery.spawn(download, "b.txt");
 * }); // both downloads have finished here
 * ```
 */
export class Nursery {
  /** @internal */ readonly _kind: NurseryKind;
  /** @internal The task that opened the nursery (`null` for the root nursery). */
  readonly _owner: Task | null;
  /** @internal */ readonly _scope: CancelScope;
  /** @internal */ readonly _runner: Runner;
  /** @internal Running children: an intrusive list through the tasks, in spawn order. */
  _first: Task | null = null;
  /** @internal */ _last: Task | null = null;
  /** @internal */ _count = 0;
  /** @internal Children of `start()` calls that have not called `started()` yet. */
  _starting: Set<Task> | null = null;
  /** @internal Failures, in order, each once. */
  _errors: unknown[] | null = null;
  /** @internal */ _closed = false;
  /** @internal Who waits for the children to finish. */
  _waiter: Waiter | null = null;
  /** @internal Block form: the frame whose scope and nursery it swapped. */
  _frame: Frame | null = null;
  /** @internal */ _prevScope: CancelScope | null = null;
  /** @internal */ _prevNursery: Nursery | null = null;
  /** @internal */ _joined = false;
  /** @internal How many of `_errors` the block's code has received. */
  _delivered = 0;
  /** @internal The block received a failure, went on, and then received `Cancelled`. */
  _cancelledAfterFailure = false;
  /** @internal The block was left without disposing the nursery. */
  _abandoned = false;

  /** @internal Nurseries are made by `withNursery`, `openNursery` and the runtime. */
  constructor(kind: NurseryKind, owner: Task | null, scope: CancelScope, runner: Runner) {
    this._kind = kind;
    this._owner = owner;
    this._scope = scope;
    this._runner = runner;
  }

  /**
   * Starts `fn(...args)` as a child task of this nursery, in the scheduler's next batch
   * (not inside this call). Not a checkpoint.
   *
   * @returns the child's `Task`
   * @throws `TypeError` if `fn` is not a function or the nursery is closed
   */
  spawn<A extends unknown[], T>(
    fn: (...args: A) => T | PromiseLike<T>,
    ...args: A
  ): Task<Awaited<T>> {
    checkFunction(fn, "fn");
    this._checkOpen(fn);
    const task = new Task<Awaited<T>>(
      this._runner,
      fn as (...args: unknown[]) => unknown,
      args,
      this,
      this._scope,
    );
    this._addChild(task);
    this._runner._spawned(task);
    return task;
  }

  /**
   * Starts `fn(status, ...args)` and waits until it calls `status.started(value)`. Until
   * then the child runs under the caller's cancel scope; from then on it belongs to this
   * nursery. A checkpoint.
   *
   * @returns the value passed to `status.started()`
   * @throws the child's error if it fails before `started()` (the nursery does not also
   *   report it); `TypeError` if it returns without calling `started()`; `Cancelled` if the
   *   caller is cancelled first (the child, which runs under the caller's scope, is
   *   cancelled and awaited first).
   * @example
   * ```ts
   * const port = await nursery.start(async (status: giambio.TaskStatus<number>) => {
   *   const server = await listen();
   *   status.started(server.port);
   *   await serve(server);
   * });
   * ```
   */
  start<A extends unknown[], V = undefined>(
    fn: (status: TaskStatus<V>, ...args: A) => unknown,
    ...args: A
  ): Promise<V> {
    checkFunction(fn, "fn");
    const f = activeFrame("Nursery.start");
    this._checkOpen(fn);
    return operation<V, Nursery, [(...args: unknown[]) => unknown, unknown[]]>(
      "Nursery.start",
      f,
      startChild,
      this,
      [fn as (...args: unknown[]) => unknown, args],
    );
  }

  /** @internal The body of `start()`, once awaited. */
  _start<V>(f: Frame, fn: (...args: unknown[]) => unknown, args: unknown[]): Promise<V> {
    this._checkOpen(fn);
    // A checkpoint: code that is already cancelled does not start the child at all.
    if (f._scope._cancelled) return Promise.reject(this._runner._cancelError(f));
    const status = new TaskStatus<V>(this, f._scope);
    const task = new Task(this._runner, fn, [status, ...args], this, f._scope);
    task._status = status as unknown as TaskStatus<unknown>;
    status._task = task;
    (this._starting ??= new Set()).add(task);
    const w = new Waiter<V>(f._task, null, "nursery.start");
    status._waiter = w;
    this._runner._spawned(task);
    return w.promise;
  }

  /** Cancels the nursery's scope: its children and its body. Not a checkpoint. */
  cancel(reason?: unknown): void {
    this._scope.cancel(reason);
  }

  /** The cancel scope the nursery's body and children run under. */
  get cancelScope(): CancelScope {
    return this._scope;
  }

  /** The nursery's `AbortSignal`: aborted when the nursery is cancelled. */
  get signal(): AbortSignal {
    return this._scope.signal;
  }

  /** The children that are still running (a snapshot), in spawn order. */
  get children(): Task[] {
    const out: Task[] = [];
    for (let t = this._first; t !== null; t = t._nextSibling) out.push(t);
    return out;
  }

  /**
   * Block form only: waits for every child (children may spawn more meanwhile), then closes
   * the nursery. A checkpoint. Put `await nursery.join()` at the end of the block's happy
   * path.
   *
   * @throws the failure (the error, or a `MultiError`) once every child has finished, if any
   *   child failed; `Cancelled`, after waiting for the cancelled children, when an enclosing
   *   scope was cancelled.
   */
  join(): Promise<void> {
    if (this._kind !== "block") {
      throw new TypeError(
        "nursery.join() is for the block form (`await using nursery = openNursery()`); " +
          "withNursery() waits for its children by itself",
      );
    }
    return operation("Nursery.join", activeFrame("Nursery.join"), joinNursery, this, undefined);
  }

  /**
   * Block form: runs when the `await using` block is left. Cancels and awaits children that
   * are still running; see SPEC §4 for what it throws.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this._kind !== "block" || this._frame === null) return;
    const frame = this._frame;
    this._frame = null;
    let misnested = false;
    if (frame._scope === this._scope) {
      frame._scope = this._prevScope as CancelScope;
      frame._nursery = this._prevNursery;
    } else {
      misnested = true;
    }
    if (this._joined) {
      this._close();
      return;
    }
    const live = this._live();
    if (live > 0) {
      this._scope.cancel();
      await this._waitAll(frame._task);
    }
    this._close();
    const undelivered = this._undelivered();
    if (undelivered !== undefined) throw undelivered;
    if (this._cancelledAfterFailure) throw this._failure();
    if (misnested) {
      throw new TypeError(
        "Block-form nurseries of one task must be left in the reverse order they were opened " +
          "(do not interleave them with Promise.all; use a nursery per concurrent branch)",
      );
    }
    if (this._errors !== null || live === 0) return;
    if (this._prevScope?._cancelled === true) return;
    throw new NurseryError(
      `The nursery block was left while ${live} ${live === 1 ? "child was" : "children were"} ` +
        `still running and \`await nursery.join()\` had not been awaited; ` +
        `${live === 1 ? "it was" : "they were"} cancelled. End the block's happy path with ` +
        "`await nursery.join()`.",
      live,
    );
  }

  /** @internal How many children are running or starting. */
  _live(): number {
    return this._count + (this._starting?.size ?? 0);
  }

  /** @internal */
  _addChild(t: Task): void {
    const last = this._last;
    t._prevSibling = last;
    t._nextSibling = null;
    if (last === null) this._first = t;
    else last._nextSibling = t;
    this._last = t;
    t._inNursery = true;
    this._count++;
  }

  /** @internal */
  _removeChild(t: Task): void {
    if (!t._inNursery) return;
    t._inNursery = false;
    const prev = t._prevSibling;
    const next = t._nextSibling;
    if (prev === null) this._first = next;
    else prev._nextSibling = next;
    if (next === null) this._last = prev;
    else next._prevSibling = prev;
    t._prevSibling = t._nextSibling = null;
    this._count--;
  }

  /** @internal Records a failure (once per error object) and cancels the nursery. */
  _recordError(err: unknown): void {
    const errors = (this._errors ??= []);
    if (errors.includes(err)) return;
    errors.push(err);
    if (errors.length === 1) this._scope.cancel();
  }

  /** @internal The failure to throw: the one error, or a `MultiError` of all. */
  _failure(): unknown {
    const errors = this._errors as unknown[];
    return errors.length === 1 ? errors[0] : new MultiError(errors);
  }

  /**
   * @internal Called when the block's own code reaches a checkpoint in this cancelled
   * nursery: returns the failure the first time, then `undefined` (meaning `Cancelled`).
   */
  _deliverInto(): unknown {
    const failure = this._undelivered();
    if (failure === undefined && this._delivered > 0) this._cancelledAfterFailure = true;
    return failure;
  }

  /** @internal Failures the block has not received yet, marking them received. */
  private _undelivered(): unknown {
    const errors = this._errors;
    if (errors === null || this._delivered >= errors.length) return undefined;
    const fresh = errors.slice(this._delivered);
    this._delivered = errors.length;
    return fresh.length === 1 ? fresh[0] : new MultiError(fresh);
  }

  /** @internal A child task has ended. */
  _childExited(task: Task): void {
    const status = task._status;
    if (status !== null && !status._started) {
      this._starting?.delete(task);
      status._childEnded(task);
    } else {
      this._removeChild(task);
      if (task._state === "failed") this._recordError(task._error);
    }
    if (this._live() === 0) this._allDone();
  }

  /** @internal The owner's body ended while this (block) nursery was still open. */
  _bodyEnded(): void {
    if (this._kind !== "block" || this._frame === null) return;
    this._frame = null;
    if (this._joined) {
      this._close();
      return;
    }
    this._abandoned = true;
    this._scope.cancel();
    if (this._live() === 0) this._allDone();
  }

  private _allDone(): void {
    if (this._waiter !== null) {
      const w = this._waiter;
      this._waiter = null;
      w._wake(undefined);
    } else if (this._kind === "implicit") {
      this._owner?._maybeFinish();
    } else if (this._abandoned) {
      this._reportAbandoned();
    }
  }

  private _reportAbandoned(): void {
    const owner = this._owner as Task;
    owner
      ._implicitNursery()
      ._recordError(
        this._undelivered() ??
          new NurseryError(
            "A nursery from openNursery() was never disposed: open it with `await using` so " +
              "that leaving the block waits for its children",
          ),
      );
    this._close(); // lets the owner finish, now failed
  }

  /** @internal Waits, uncancellably, until no child runs; always yields once. */
  _waitAll(task: Task): Promise<void> {
    const w = new Waiter<void>(task, null, "nursery children");
    if (this._live() === 0) w._wake(undefined);
    else this._waiter = w;
    return w.promise;
  }

  /** @internal The body of `join()`, once awaited. */
  async _join(f: Frame): Promise<void> {
    await this._waitAll(f._task);
    this._joined = true;
    this._closed = true;
    const undelivered = this._undelivered();
    if (undelivered !== undefined) throw undelivered;
    if (this._errors !== null) throw this._failure();
    if (this._scope._cancelled && this._scope._parentVisible()) {
      throw newCancelled();
    }
  }

  /** @internal Closes the nursery to new children and unlinks its scope. */
  _close(): void {
    this._closed = true;
    this._scope._close();
    const owner = this._owner;
    if (owner !== null && this._kind !== "implicit" && owner._open !== null) {
      owner._open.delete(this);
      if (owner._bodyDone) owner._maybeFinish();
    }
  }

  private _checkOpen(fn: unknown): void {
    if (this._closed) {
      const name = (fn as { name?: string }).name || "<anonymous>";
      throw new TypeError(
        `Cannot spawn ${JSON.stringify(name)}: the nursery is closed (its block or join() ` +
          "has ended). Spawn into a nursery that is still open.",
      );
    }
    if (this._runner._done) {
      throw new TypeError("Cannot spawn into a nursery whose run has ended");
    }
  }
}

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

  /** @internal */
  constructor(
    private readonly _nursery: Nursery,
    private readonly _callerScope: CancelScope,
  ) {}

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
    nursery._addChild(task);
    task._ownScope._reparent(nursery._scope);
    (this._waiter as Waiter)._wake(value[0]);
  }

  /** @internal The child ended before calling `started()`: `start()` throws. */
  _childEnded(task: Task): void {
    const w = this._waiter as Waiter;
    if (task._state === "failed") {
      w._fail(task._error);
    } else if (task._state === "cancelled") {
      w._fail(this._callerScope._cancelled ? newCancelled() : new TaskCancelledError(task.name));
    } else {
      w._fail(
        new TypeError(
          `Task ${JSON.stringify(task.name)} returned without calling status.started(); ` +
            "a function run with nursery.start() must call it once it is ready",
        ),
      );
    }
  }
}

/** @internal Whether a cancellation escaping `scope` is a real one of that scope. */
export function isOwnCancel(err: unknown, scope: CancelScope): err is Cancelled {
  return isCancelled(err) && scope._cancelled;
}

function startChild<V>(
  frame: Frame,
  nursery: Nursery,
  [fn, args]: [(...args: unknown[]) => unknown, unknown[]],
): Promise<V> {
  return nursery._start<V>(frame, fn, args);
}

function joinNursery(frame: Frame, nursery: Nursery): Promise<void> {
  return nursery._join(frame);
}
