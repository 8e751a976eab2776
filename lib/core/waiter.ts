/**
 * A parked wait: one blocked `sleep`, `join`, `receive`, ... of one task.
 *
 * A waiter sits in the wait list of the cancel scope it was parked under (so cancelling the
 * scope finds it, and waking it unlinks it, in O(1) with no allocation), maybe in the timer
 * heap, maybe in a queue (a parking lot, a task's joiners), and counts its task as blocked
 * while it is parked. It is settled at most once: woken with a value, failed with an error,
 * or cancelled; the outcome is delivered in the scheduler's next batch.
 *
 * Delivery without a promise: an awaited operation (see operation.ts) *is* its waiter, and
 * hands the waiter the two callbacks `await` gave its `then`, so the batch calls them
 * directly. A promise is made only for internal waits that `await w.promise` (lazily,
 * on first read).
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import type { CancelScope } from "./cancel-scope";
import { IntrusiveList, type Linked, type Queued } from "./list";
import type { Task } from "./task";
import type { TimerEntry, TimerTarget } from "./timer-heap";

/** Anything the scheduler's ready queue can resume: a waiter, or a task about to start. */
/** @internal */
export interface Resumable {
  /** The task that runs when this is resumed (for instruments). */
  readonly _task: Task;
  _resume(): void;
}

/** Created, not parked yet. */
/** @internal */
export const IDLE = 0;
/** In its scope, waiting. */
/** @internal */
export const PARKED = 1;
/** Woken; its value is delivered in the next batch. */
/** @internal */
export const WOKEN = 2;
/** Failed or cancelled; its error is delivered in the next batch. */
/** @internal */
export const FAILED = 3;
/** Delivered. */
/** @internal */
export const SETTLED = 4;

type Settle = (value: unknown) => unknown;

let captureRes: Settle = () => undefined;
let captureRej: Settle = () => undefined;
function capture(res: Settle, rej: Settle): void {
  captureRes = res;
  captureRej = rej;
}

function noop(): void {}

/** @internal */
export class Waiter<T = unknown> implements TimerTarget, Resumable, Linked<Waiter>, Queued {
  /** Links in the scope's wait list. */
  _prev: Waiter | null = null;
  _next: Waiter | null = null;
  _list: IntrusiveList<Waiter> | null = null;
  /** The queue it waits in too, if any: a parking lot's, or a task's joiners. */
  _queue: { remove(w: Waiter): void } | null = null;
  _scope: CancelScope | null = null;
  /** What the task waits on, for `taskTree()`: an operation's name, or the task joined. */
  _what: string | Task;
  _timer: TimerEntry | null = null;
  /** Undoes whatever else the wait registered; called once, when the wait ends. */
  cleanup: ((w: Waiter) => void) | null = null;
  /** Called only when the wait is cancelled (aborts a foreign operation). */
  onCancel: ((err: unknown) => void) | null = null;
  /** What the waiting operation carries: a value to send, a borrower, a channel end. */
  data: unknown = undefined;
  /** Which end of a channel or stream it waits on, when that matters (closing one end). */
  end: unknown = undefined;
  _state = IDLE;
  _outcome: unknown = undefined;
  /** The callbacks of whoever awaits it (see operation.ts), or `null`. */
  _onF: Settle | null = null;
  _onR: Settle | null = null;
  private _res: Settle | null = null;
  private _rej: Settle | null = null;
  private _promise: Promise<T> | null = null;

  constructor(
    readonly _task: Task,
    what: string | Task,
  ) {
    this._what = what;
  }

  /**
   * Parks the wait. With a `scope`, cancelling that scope (or an enclosing one it can see)
   * fails it with `Cancelled`; without one it is uncancellable (used to wait for children,
   * which are cancelled instead).
   */
  _park(scope: CancelScope | null): this {
    this._state = PARKED;
    const task = this._task;
    task._park();
    task._waitingOn = this;
    if (scope !== null) {
      this._scope = scope;
      (scope._waits ??= new IntrusiveList<Waiter>()).push(this);
    }
    return this;
  }

  /** The task that waits. */
  get task(): Task {
    return this._task;
  }

  /** The promise of the outcome, made on first read (internal waits only). */
  get promise(): Promise<T> {
    let p = this._promise;
    if (p === null) {
      p = this._promise = new Promise<T>(capture as never);
      this._res = captureRes;
      this._rej = captureRej;
      if (this._state === SETTLED) this._deliver();
    }
    return p;
  }

  /** Timer expiry: the wait is over. */
  _timeout(): void {
    this._timer = null;
    this.wake(undefined as T);
  }

  /** Ends the wait with `value`; delivered in the next batch. */
  wake(value: T): void {
    if (this._state !== PARKED) return;
    this._detach();
    this._state = WOKEN;
    this._outcome = value;
    this._task._runner._schedule(this);
  }

  /** Ends the wait (or a wait that never parked) with `err`; delivered in the next batch. */
  fail(err: unknown): void {
    if (this._state === PARKED) this._detach();
    else if (this._state !== IDLE) return;
    this._state = FAILED;
    this._outcome = err;
    this._task._runner._schedule(this);
  }

  /** Ends the wait because its scope was cancelled. */
  _cancel(err: unknown): void {
    if (this._state !== PARKED) return;
    const onCancel = this.onCancel;
    this.fail(err);
    if (onCancel !== null) onCancel(err);
  }

  /**
   * Settles a wait whose scope closed under it (a `Promise.race` loser, or an operation
   * nobody awaited): it is cancelled, and its rejection marked handled, so that nobody is
   * told about a promise nobody holds.
   */
  _orphan(err: unknown): void {
    if (this._promise !== null) this._promise.catch(noop);
    this._cancel(err);
  }

  /** Called by the batch: delivers the outcome. */
  _resume(): void {
    if (this._state !== WOKEN && this._state !== FAILED) return;
    this._deliver();
  }

  /** Delivers the outcome to the awaiting callbacks or the promise. */
  _deliver(): void {
    const failed = this._state === FAILED;
    this._state = SETTLED;
    const f = failed ? this._onR : this._onF;
    if (f !== null) {
      this._onF = this._onR = null;
      this._call(f, this._outcome);
    }
    const settle = failed ? this._rej : this._res;
    if (settle !== null) {
      this._res = this._rej = null;
      settle(this._outcome);
    }
  }

  /** Calls an awaiting callback (an operation chains its `then` result here). */
  protected _call(f: Settle, outcome: unknown): void {
    f(outcome);
  }

  private _detach(): void {
    const scope = this._scope;
    if (scope !== null) scope._waits?.remove(this);
    if (this._timer !== null) {
      this._task._runner._timers.remove(this._timer);
      this._timer = null;
    }
    if (this._queue !== null) this._queue.remove(this);
    if (this.cleanup !== null) {
      this.cleanup(this);
      this.cleanup = null;
    }
    const task = this._task;
    if (task._waitingOn === this) task._waitingOn = null;
    task._unpark();
  }
}
