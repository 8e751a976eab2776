/**
 * Cancel scopes: the tree that cancellation travels.
 *
 * Why push-down: a checkpoint happens far more often than a cancellation, so each scope
 * caches whether it is *effectively* cancelled (`_cancelled`: its own `cancel()` was
 * called, or its parent is effectively cancelled and no shield cuts it off). A checkpoint
 * reads one flag. `cancel()` walks the subtree once, marking scopes, aborting the
 * `AbortSignal`s that exist, and failing the waiters parked in each scope. This is trio's
 * `CancelStatus` idea; like trio, a cancelled scope's `Cancelled` is absorbed only by the
 * outermost cancelled scope that can see it (see `_absorbs`).
 *
 * Why our own signal links: on Node 20 a listener on an `AbortSignal` costs O(listeners)
 * to add, and `AbortSignal.any` leaks when its parent lives long (nodejs/node#55351,
 * #54614). So signals never listen to each other: a scope creates its `AbortController`
 * only when someone asks for `signal`, and the push-down aborts it. A closing scope
 * unlinks itself from its parent and nothing else holds it.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { Cancelled, isCancelled, newCancelled } from "../errors";
import { IntrusiveList } from "./list";
import type { Runner } from "./runner";
import type { Task } from "./task";
import type { TimerEntry } from "./timer-heap";
import { checkBoolean, checkDeadline } from "../validate";
import type { Waiter } from "./waiter";

/**
 * A hook on a scope: when code of `task` reaches a checkpoint in this (cancelled) scope,
 * it may receive `errorFor(task)` instead of `Cancelled` (a block-form nursery delivers a
 * child's failure into its block this way; see block-nursery.ts).
 *
 * @internal
 */
export interface CancelHook {
  _errorFor(task: Task): unknown;
}

/**
 * A region of code that can be cancelled as a unit, with an optional deadline and shield.
 * Made by `withCancelScope`, `moveOnAfter`, `moveOnAt`, `failAfter`, `failAt`, and by every
 * nursery and task; user code receives it and never constructs one.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   await giambio.withCancelScope(async (scope) => {
 *     scope.deadline = giambio.clock() + 5; // give up after five seconds
 *     await giambio.sleep(60);
 *   });
 *   console.log(`gave up at ${giambio.clock()} s`);
 * });
 * ```
 *
 * ```text
 * gave up at 5 s
 * ```
 */
export class CancelScope {
  /** @internal */ _parent: CancelScope | null;
  /** @internal */ readonly _runner: Runner;
  /** @internal Child scopes, in creation order. */
  _children: IntrusiveList<CancelScope> | null = null;
  /** @internal Links in the parent's child list. */
  _prev: CancelScope | null = null;
  /** @internal */ _next: CancelScope | null = null;
  /** @internal */ _list: IntrusiveList<CancelScope> | null = null;
  /** @internal Waits parked directly in this scope. */
  _waits: IntrusiveList<Waiter> | null = null;
  /** @internal */ _cancelCalled = false;
  /** @internal Effectively cancelled: own cancel, or an unshielded cancelled parent. */
  _cancelled: boolean;
  /** @internal */ _shield = false;
  /** @internal */ _deadline = Infinity;
  /** @internal */ _timer: TimerEntry | null = null;
  /** @internal */ _controller: AbortController | null = null;
  /** @internal */ _reason: unknown = undefined;
  /** @internal */ _closed = false;
  /** @internal */ _cancelledCaught = false;
  /** @internal See {@link CancelHook}. */
  _hook: CancelHook | null = null;

  /** @internal Scopes are made by the runtime; see the functions listed above. */
  constructor(parent: CancelScope | null, runner: Runner) {
    if (typeof runner !== "object" || runner === null || typeof parent !== "object") {
      throw new TypeError(
        "CancelScope objects are made by withCancelScope(), moveOnAfter(), moveOnAt(), " +
          "failAfter() and failAt(), which pass one to their function; do not construct them",
      );
    }
    this._parent = parent;
    this._runner = runner;
    this._cancelled = parent !== null && parent._cancelled;
    if (parent !== null) (parent._children ??= new IntrusiveList()).push(this);
  }

  /**
   * Cancels everything inside this scope: every task and operation in it gets `Cancelled`
   * at its next checkpoint (those blocked now, at once), and the scope's `signal` aborts.
   * Idempotent; not itself a checkpoint.
   *
   * @param reason - kept on the `Cancelled` errors (`err.reason`) and in their message
   */
  cancel(reason?: unknown): void {
    if (this._cancelCalled) return;
    this._cancelCalled = true;
    this._reason = reason;
    this._dropTimer();
    if (!this._cancelled) propagateCancel(this);
  }

  /** Whether `cancel()` has been called on this scope (by hand or by its deadline). */
  get cancelCalled(): boolean {
    return this._cancelCalled;
  }

  /** Whether this scope absorbed its own `Cancelled` when it exited. */
  get cancelledCaught(): boolean {
    return this._cancelledCaught;
  }

  /**
   * The time on the giambio clock (seconds, see `clock()`) at which the scope cancels
   * itself; `Infinity` for none. Settable while the scope runs: moving it earlier or later
   * takes effect at once, also for tasks blocked right now.
   */
  get deadline(): number {
    return this._deadline;
  }

  set deadline(value: number) {
    checkDeadline(value, "deadline");
    this._deadline = value;
    if (this._closed || this._cancelCalled) return;
    const runner = this._runner;
    if (value === Infinity) {
      this._dropTimer();
    } else if (value <= runner._clock.now()) {
      this.cancel();
    } else if (this._timer === null) {
      this._timer = runner._timers.add(value, this);
    } else {
      runner._timers.move(this._timer, value);
    }
  }

  /**
   * While true, cancellation from outside this scope does not reach inside it (its own
   * `cancel()` and deadline still do). Settable while the scope runs. Use it to do async
   * cleanup in a `finally` after a cancellation.
   */
  get shield(): boolean {
    return this._shield;
  }

  set shield(value: boolean) {
    checkBoolean(value, "shield");
    if (value === this._shield) return;
    this._shield = value;
    this._recompute();
  }

  /**
   * An `AbortSignal` that aborts when this scope, or an enclosing one it can see, is
   * cancelled; hand it to `fetch`, `fs.promises`, `timers/promises` or `events.once`. Its
   * `reason` is a `Cancelled`, so those APIs reject with an error `isCancelled()` accepts.
   * A signal that aborted stays aborted: if a shield is raised afterwards, later reads of
   * `signal` return a fresh one.
   */
  get signal(): AbortSignal {
    let controller = this._controller;
    if (controller === null) {
      controller = this._controller = new AbortController();
      if (this._cancelled) controller.abort(newCancelled(originReason(this)));
    }
    return controller.signal;
  }

  /** @internal Whether a cancellation from the parent reaches inside this scope. */
  _parentVisible(): boolean {
    return !this._shield && this._parent !== null && this._parent._cancelled;
  }

  /**
   * @internal Whether this scope, exiting with `err`, swallows it: `err` is a cancellation
   * and this scope is the outermost cancelled scope that can see it.
   */
  _absorbs(err: unknown): boolean {
    return isCancelled(err) && this._cancelCalled && !this._parentVisible();
  }

  /**
   * @internal The scope's function ended with `err`: returns whether the scope swallows it
   * (and then records that it did, for `cancelledCaught`).
   */
  _exitWith(err: unknown): boolean {
    if (!this._absorbs(err)) return false;
    this._cancelledCaught = true;
    return true;
  }

  /** @internal Whether a cancellation from outside is visible here (leaving throws it). */
  get _cancelledFromOutside(): boolean {
    return this._cancelled && this._parentVisible();
  }

  /** @internal Timer expiry: the deadline has passed. */
  _timeout(): void {
    this._timer = null;
    this.cancel();
  }

  /** @internal Moves this scope under a new parent (`nursery.start` after `started()`). */
  _reparent(parent: CancelScope): void {
    this._parent?._children?.remove(this);
    this._parent = parent;
    (parent._children ??= new IntrusiveList()).push(this);
    this._recompute();
  }

  /** @internal Re-derives the effective state after a shield or parent change. */
  _recompute(): void {
    const effective = this._cancelCalled || this._parentVisible();
    if (effective && !this._cancelled) propagateCancel(this);
    else if (!effective && this._cancelled) propagateUncancel(this);
  }

  /**
   * @internal The scope has exited: unlink it, drop its timer, and settle any waiter still
   * parked in it (one that nobody awaits any more).
   */
  _close(): void {
    if (this._closed) return;
    this._closed = true;
    this._dropTimer();
    this._parent?._children?.remove(this);
    for (let w = this._waits?.head ?? null; w !== null;) {
      const next = w._next;
      w._orphan(newCancelled(this._reason));
      w = next;
    }
  }

  private _dropTimer(): void {
    if (this._timer !== null) {
      this._runner._timers.remove(this._timer);
      this._timer = null;
    }
  }
}

/** The reason of the nearest scope, at or above `scope`, whose cancel() was called. */
function originReason(scope: CancelScope): unknown {
  for (let s: CancelScope | null = scope; s !== null && s._cancelled; s = s._parent) {
    if (s._cancelCalled) return s._reason;
  }
  return undefined;
}

/**
 * The error a waiter of `task` parked in `scope` (effectively cancelled) receives: the
 * failure of a block-form nursery of that same task if it has not reached the block's code
 * yet (SPEC §4), else a fresh `Cancelled`.
 *
 * @internal
 */
/** @internal */
export function cancelErrorFor(task: Task, scope: CancelScope): unknown {
  let reason: unknown = undefined;
  let found = false;
  for (let s: CancelScope | null = scope; s !== null && s._cancelled; s = s._parent) {
    const hook = s._hook;
    if (hook !== null) {
      const failure = hook._errorFor(task);
      if (failure !== undefined) return failure;
    }
    if (!found && s._cancelCalled) {
      reason = s._reason;
      found = true;
    }
    if (s._shield) break;
  }
  return newCancelled(reason);
}

function propagateCancel(root: CancelScope): void {
  const stack: CancelScope[] = [root];
  let signalReason: Cancelled | undefined;
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    s._cancelled = true;
    if (s._controller !== null) {
      signalReason ??= newCancelled(originReason(root));
      s._controller.abort(signalReason);
    }
    for (let w = s._waits?.head ?? null; w !== null;) {
      const next = w._next;
      w._cancel(cancelErrorFor(w._task, s));
      w = next;
    }
    for (let c = s._children?.head ?? null; c !== null; c = c._next) {
      if (!c._cancelled && !c._shield) stack.push(c);
    }
  }
}

function propagateUncancel(root: CancelScope): void {
  const stack: CancelScope[] = [root];
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    s._cancelled = false;
    // An aborted AbortSignal cannot be un-aborted: the next read of `signal` makes a new one.
    if (s._controller?.signal.aborted === true) s._controller = null;
    for (let c = s._children?.head ?? null; c !== null; c = c._next) {
      if (c._cancelled && !c._cancelCalled) stack.push(c);
    }
  }
}

/** Cancels `root` and every scope below it, shielded or not (a second Ctrl-C). @internal */
/** @internal */
export function forceCancel(root: CancelScope, reason: unknown): void {
  const all: CancelScope[] = [];
  const stack = [root];
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    all.push(s);
    for (let c = s._children?.head ?? null; c !== null; c = c._next) stack.push(c);
  }
  for (const s of all) s.cancel(reason);
}
