/**
 * A parked operation: one blocked `sleep`, `join`, `cancellable`, ... of one task.
 *
 * A waiter sits in the intrusive list of the cancel scope it was called under (so that
 * cancelling the scope finds it in O(1) and removing it costs O(1), with no allocation),
 * optionally in the timer heap, and counts its task as blocked while it is parked. It is
 * settled at most once: woken with a value, failed with an error, or cancelled; the promise
 * the user awaits is settled later, in the runner's next batch.
 *
 * @internal
 * @module
 */
import type { CancelScope } from "./cancel-scope";
import type { ParkingLot } from "./parking-lot";
import type { Task } from "./task";
import type { TimerEntry, TimerTarget } from "./timer-heap";

/** Anything the runner's ready queue can resume: a waiter, or a task about to start. */
export interface Resumable {
  /** The task that runs when this is resumed (for instruments). */
  readonly _task: Task;
  _resume(): void;
}

const PARKED = 0;
const WOKEN = 1;
const FAILED = 2;

function noop(): void {}

export class Waiter<T = unknown> implements TimerTarget, Resumable {
  /** Neighbours in the scope's waiter list. */
  _prev: Waiter | null = null;
  _next: Waiter | null = null;
  _timer: TimerEntry | null = null;
  /** Undoes whatever else the operation registered (a joiner list entry, ...). */
  _cleanup: ((w: Waiter) => void) | null = null;
  /** Called only when the wait is cancelled (aborts a foreign operation). */
  _onCancel: ((err: unknown) => void) | null = null;
  /** The parking lot it waits in, and its neighbours there (see parking-lot.ts). */
  _lot: ParkingLot | null = null;
  _lotPrev: Waiter | null = null;
  _lotNext: Waiter | null = null;
  /** What the waiting operation carries: a value to send, a borrower, the channel end. */
  _data: unknown = undefined;
  _end: unknown = undefined;
  _state = PARKED;
  _outcome: unknown = undefined;
  readonly promise: Promise<T>;
  private _resolve!: (value: unknown) => void;
  private _reject!: (err: unknown) => void;

  /**
   * Parks an operation of `task`. With a `scope`, cancelling that scope (or an enclosing
   * one) fails the wait with `Cancelled`; without one the wait is uncancellable (used to
   * wait for children, which are cancelled instead). `_what` says what the task waits on,
   * for `taskTree()`: the operation's name, or the task being joined.
   */
  constructor(
    readonly _task: Task,
    readonly _scope: CancelScope | null,
    readonly _what: string | Task,
  ) {
    this.promise = new Promise<T>((resolve, reject) => {
      this._resolve = resolve as (value: unknown) => void;
      this._reject = reject;
    });
    _task._park();
    _task._waitingOn = this;
    if (_scope !== null) _scope._link(this);
  }

  get _parked(): boolean {
    return this._state === PARKED;
  }

  /** Timer expiry: the wait is over. */
  _timeout(): void {
    this._timer = null;
    this._wake(undefined as T);
  }

  /** Ends the wait with `value`; the promise resolves in the next batch. */
  _wake(value: T): void {
    if (this._state !== PARKED) return;
    this._detach();
    this._state = WOKEN;
    this._outcome = value;
    this._task._runner._schedule(this);
  }

  /** Ends the wait with `err`; the promise rejects in the next batch. */
  _fail(err: unknown): void {
    if (this._state !== PARKED) return;
    this._detach();
    this._state = FAILED;
    this._outcome = err;
    this._task._runner._schedule(this);
  }

  /** Ends the wait because its scope was cancelled. */
  _cancel(err: unknown): void {
    if (this._state !== PARKED) return;
    const onCancel = this._onCancel;
    this._fail(err);
    if (onCancel !== null) onCancel(err);
  }

  /**
   * Settles a wait whose scope closed under it (a `Promise.race` loser, or an operation
   * nobody awaited): it is cancelled, and its rejection is marked handled so that nobody is
   * told about a promise nobody holds.
   */
  _orphan(err: unknown): void {
    this.promise.catch(noop);
    this._cancel(err);
  }

  _resume(): void {
    if (this._state === WOKEN) this._resolve(this._outcome);
    else this._reject(this._outcome);
  }

  private _detach(): void {
    if (this._scope !== null) this._scope._unlink(this);
    if (this._timer !== null) {
      this._task._runner._timers.remove(this._timer);
      this._timer = null;
    }
    if (this._lot !== null) this._lot._remove(this);
    if (this._cleanup !== null) {
      this._cleanup(this);
      this._cleanup = null;
    }
    const task = this._task;
    if (task._waitingOn === this) task._waitingOn = null;
    task._unpark();
  }
}
