/**
 * How giambio finds the running task without the user passing it around.
 *
 * Why AsyncLocalStorage, and why a *frame* in it: the store is a frame `{task, scope,
 * nursery}`. A task is its own root frame, so starting a task costs exactly one `als.run`
 * (the minimum: Node 20 charges ~2.8x per `als.run`-wrapped task, see docs/design.md).
 * The function forms that change the scope (`withCancelScope`, `withNursery`) run their
 * function in a new frame, so two of them running concurrently in one task (under
 * `Promise.all`) each see their own scope. The block-form nursery cannot wrap its block in
 * a call, so it swaps the frame's scope and nursery while the block is open and restores
 * them on dispose.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CancelScope } from "./cancel-scope";
import type { Nursery } from "./nursery";
import type { Task } from "./task";

/** What code running inside a run can see of where it runs. */
export interface Frame {
  /** @internal The task this code belongs to. */
  _task: Task;
  /** @internal The innermost cancel scope: where this code's waits are registered. */
  _scope: CancelScope;
  /** @internal Where `spawn()` puts new tasks; `null` means the task's implicit nursery. */
  _nursery: Nursery | null;
}

/** A frame opened by a function-form scope or nursery inside a task. */
/** @internal */
export class ScopeFrame implements Frame {
  constructor(
    public _task: Task,
    public _scope: CancelScope,
    public _nursery: Nursery | null,
  ) {}
}

/** @internal */
export const storage = new AsyncLocalStorage<Frame>();

/**
 * The frame of the calling code, for operation `op`. Throws a `TypeError` outside a run,
 * and when the code outlived the task or scope it was started in (a timer callback or an
 * un-awaited promise continuing after its task ended).
 */
/** @internal */
export function activeFrame(op: string): Frame {
  const frame = storage.getStore();
  if (frame === undefined) {
    throw new TypeError(
      `giambio.${op}() must be called from inside a task: start one with giambio.run(main)`,
    );
  }
  if (frame._scope._closed) {
    throw new TypeError(
      `giambio.${op}() was called from code that outlived its task or cancel scope ` +
        `(a callback or an un-awaited promise still running after its task ended); ` +
        `run such code as a task with spawn() so that a nursery waits for it`,
    );
  }
  return frame;
}

/** Whether the calling code runs inside a run that has not ended (`run()` cannot nest). */
/** @internal */
export function insideLiveRun(): boolean {
  const frame = storage.getStore();
  return frame !== undefined && !frame._task._runner._done;
}

/** The task `frame` belongs to. */
/** @internal */
export function frameTask(frame: Frame): Task {
  return frame._task;
}

/** The innermost cancel scope of `frame`. */
/** @internal */
export function frameScope(frame: Frame): CancelScope {
  return frame._scope;
}
