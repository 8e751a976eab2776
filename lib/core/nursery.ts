/**
 * Nurseries: where tasks live. A nursery waits for all its children, cancels the others
 * when one fails, and reports every failure exactly once.
 *
 * This file holds the nursery itself, as the function form (`withNursery`) and a task's
 * implicit nursery (where `spawn()` puts children when no other nursery is open) use it,
 * and `TaskStatus` for `nursery.start()`. The block form (`openNursery()`) extends it in
 * block-nursery.ts.
 *
 * @module
 */
import { isCancelled, newCancelled } from "../errors";
import { CancelScope } from "./cancel-scope";
import { ScopeFrame, activeFrame, storage, type Frame } from "./context";
import { combineErrors } from "./failures";
import { IntrusiveList } from "./list";
import { operation } from "./operation";
import type { Runner } from "./runner";
import { Task, captureContext } from "./task";
import { startChild, type StartRequest, type TaskStatus } from "./task-status";
import { checkFunction } from "../validate";
import { Waiter } from "./waiter";

/** How deep `taskSpawned` hooks may nest by spawning from themselves. */
const MAX_SPAWN_HOOK_DEPTH = 64;

/**
 * A group of child tasks with one lifetime: it does not end before they all have, a
 * failure of one cancels the others, and the failure is thrown once every child is done.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   await giambio.withNursery(async (nursery) => {
 *     nursery.spawn(giambio.sleep, 1);
 *     nursery.spawn(giambio.sleep, 2);
 *   });
 *   console.log(`both children have finished at ${giambio.clock()} s`);
 * });
 * ```
 *
 * ```text
 * both children have finished at 2 s
 * ```
 */
export class Nursery {
  /** @internal The task that opened the nursery. */
  readonly _owner: Task;
  /** @internal */ readonly _scope: CancelScope;
  /** @internal */ readonly _runner: Runner;
  /** @internal Whether this is its owner's implicit nursery. */
  readonly _implicit: boolean;
  /** @internal Running children, in spawn order. */
  readonly _children = new IntrusiveList<Task>();
  /** @internal Children of `start()` calls that have not called `started()` yet. */
  _starting: Set<Task> | null = null;
  /** @internal Failures, in order, each once. */
  _errors: unknown[] | null = null;
  /** @internal */ _closed = false;
  /** @internal Who waits for the children to finish. */
  _waiter: Waiter | null = null;

  /** @internal Nurseries are made by `withNursery`, `openNursery` and tasks. */
  constructor(owner: Task, scope: CancelScope, implicit: boolean) {
    if (typeof owner !== "object" || owner === null || typeof implicit !== "boolean") {
      throw new TypeError(
        "Nursery objects are made by withNursery() and openNursery(); do not construct them",
      );
    }
    this._owner = owner;
    this._scope = scope;
    this._runner = owner._runner;
    this._implicit = implicit;
    if (!implicit) (owner._open ??= new Set()).add(this);
  }

  /**
   * Starts `fn(...args)` as a child task of this nursery, in the scheduler's next batch
   * (not inside this call), in the async context of the caller. Not a checkpoint.
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
      captureContext(),
    );
    this._children.push(task);
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
   * await giambio.run(async () => {
   *   await giambio.withNursery(async (nursery) => {
   *     const port = await nursery.start(async (status: giambio.TaskStatus<number>) => {
   *       await giambio.sleep(1); // binds a socket, say
   *       status.started(8080);
   *       await giambio.sleepForever(); // serves
   *     });
   *     console.log(`listening on port ${port} at ${giambio.clock()} s`);
   *     nursery.cancel(); // stops the server
   *   });
   * });
   * ```
   *
   * ```text
   * listening on port 8080 at 1 s
   * ```
   */
  start<A extends unknown[], V = undefined>(
    fn: (status: TaskStatus<V>, ...args: A) => unknown,
    ...args: A
  ): Promise<V> {
    checkFunction(fn, "fn");
    const f = activeFrame("Nursery.start");
    this._checkOpen(fn);
    const start: StartRequest = {
      nursery: this,
      fn: fn as (...args: unknown[]) => unknown,
      args,
      ctx: captureContext(),
    };
    return operation<V, StartRequest, undefined>(
      "Nursery.start",
      f,
      startChild<V>,
      start,
      undefined,
    );
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
    return this._children.toArray();
  }

  /**
   * Block form only (`await using nursery = openNursery()`): waits for every child, then
   * closes the nursery. See {@link openNursery}.
   *
   * @throws `TypeError` on a nursery of `withNursery()`, which waits by itself
   */
  join(): Promise<void> {
    throw new TypeError(
      "nursery.join() is for the block form (`await using nursery = openNursery()`); " +
        "withNursery() waits for its children by itself",
    );
  }

  /** Block form only: what leaving an `await using` block does. Here, nothing. */
  async [Symbol.asyncDispose](): Promise<void> {}

  /** @internal How many children are running or starting. */
  _live(): number {
    return this._children.size + (this._starting?.size ?? 0);
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
    return combineErrors(this._errors as unknown[]);
  }

  /** @internal A child task has ended. */
  _childExited(task: Task): void {
    const status = task._status;
    if (status !== null && !status._started) {
      this._starting?.delete(task);
      status._childEnded(task);
    } else {
      this._children.remove(task);
      if (task._state === "failed") this._recordError(task._error);
    }
    if (this._live() === 0) this._allDone();
  }

  /** @internal The owner's body ended while this nursery was still open. */
  _bodyEnded(): void {}

  /** @internal No child is left. */
  _allDone(): void {
    if (this._waiter !== null) {
      const w = this._waiter;
      this._waiter = null;
      w.wake(undefined);
    } else if (this._implicit) {
      this._owner._maybeFinish();
    }
  }

  /** @internal Waits, uncancellably, until no child runs; always yields once. */
  _waitAll(task: Task): Promise<void> {
    const w = new Waiter<void>(task, "nursery children")._park(null);
    if (this._live() === 0) w.wake(undefined);
    else this._waiter = w;
    return w.promise;
  }

  /** @internal Closes the nursery to new children and unlinks its scope. */
  _close(): void {
    this._closed = true;
    this._scope._close();
    const owner = this._owner;
    if (!this._implicit && owner._open !== null) {
      owner._open.delete(this);
      if (owner._bodyDone) owner._maybeFinish();
    }
  }

  /** @internal */
  _checkOpen(fn: unknown): void {
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
    if (this._runner._spawnHookDepth >= MAX_SPAWN_HOOK_DEPTH) {
      // Thrown before anything changes, into the instrument, which is then removed.
      throw new RangeError(
        `An instrument's taskSpawned() spawned tasks recursively (${MAX_SPAWN_HOOK_DEPTH} ` +
          "deep): an instrument must not spawn from taskSpawned()",
      );
    }
  }
}

/** The body of `withNursery(fn)`: opens the nursery, runs `fn`, waits for the children. */
/** @internal */
export async function runNursery<T>(
  frame: Frame,
  fn: (nursery: Nursery) => T | PromiseLike<T>,
): Promise<Awaited<T> | undefined> {
  const task = frame._task;
  const scope = new CancelScope(frame._scope, task._runner);
  const nursery = new Nursery(task, scope, false);
  let value: Awaited<T> | undefined;
  let bodyError: unknown;
  let threw = false;
  try {
    value = await storage.run(new ScopeFrame(task, scope, nursery), fn, nursery);
  } catch (err) {
    threw = true;
    bodyError = err;
    if (!(isCancelled(err) && scope._cancelled)) nursery._recordError(err);
  }
  await nursery._waitAll(task);
  nursery._close();
  if (nursery._errors !== null) throw nursery._failure();
  if (threw) {
    if (!scope._exitWith(bodyError)) throw bodyError;
    return undefined;
  }
  // Leaving is a checkpoint: a cancellation from outside is delivered here.
  if (scope._cancelledFromOutside) throw newCancelled();
  return value;
}

/** `spawn()`: into the innermost nursery `frame` has open, else its task's implicit one. */
/** @internal */
export function spawnFrom<A extends unknown[], T>(
  frame: Frame,
  fn: (...args: A) => T | PromiseLike<T>,
  args: A,
): Task<Awaited<T>> {
  const nursery = frame._nursery ?? frame._task._implicitNursery();
  return nursery.spawn(fn, ...args);
}
