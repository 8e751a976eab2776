/**
 * The scheduler of one run.
 *
 * Batches: woken waiters and newly spawned tasks go into a ready queue; one microtask (a
 * *batch*) settles every entry that was ready when it started, so a task spawned during a
 * batch starts in the next one, never inside `spawn()`. Settling a promise only queues the
 * awaiting code, so every task woken in a batch runs after the batch, in FIFO order.
 *
 * Why and when we yield to the event loop: batches and checkpoints are microtasks, and a
 * busy loop of microtasks starves timers and I/O forever. Every 64th batch request and every
 * 1024th fast checkpoint look at the time since the event loop last turned (a
 * `setImmediate` ping records it); past `TURN_BUDGET_MS` the runner sets `_yielding`, and
 * the next batch and every checkpoint until then wait for a `setImmediate`, so I/O and
 * timers run at least every few milliseconds however busy the tasks are. The measurements
 * behind the numbers are in docs/performance.md.
 *
 * Time: all sleeps and deadlines of the run live in one `TimerHeap`, driven by a single
 * host `setTimeout` armed for the earliest entry (or, on a virtual clock, by jumps).
 *
 * @internal
 * @module
 */
import { KeyboardInterrupt, TaskCancelledError } from "../errors";
import { CancelScope, cancelErrorFor } from "./cancel-scope";
import type { RunClock } from "./clock";
import type { Frame } from "./context";
import { Nursery, type NurseryKind } from "./nursery";
import { Task } from "./task";
import { TimerHeap } from "./timer-heap";
import type { Resumable } from "./waiter";

/** How long (ms) microtasks may run before the runner lets the event loop turn. */
export const TURN_BUDGET_MS = 5;

const RESOLVED: Promise<void> = Promise.resolve();

/** What `runWith` passes to a runner. @internal */
export interface RunnerOptions {
  clock: RunClock;
  signal: AbortSignal | undefined;
  handleSignals: boolean;
}

export class Runner {
  readonly _clock: RunClock;
  readonly _timers = new TimerHeap();
  _liveTasks = 0;
  _blockedTasks = 0;
  _done = false;
  readonly _rootScope: CancelScope;
  private _ready: Resumable[] = [];
  private _spare: Resumable[] = [];
  private _batchPending = false;
  private _tick = 0;
  private _cpTick = 0;
  private _turnStart = performance.now();
  private _yielding = false;
  private _ping: NodeJS.Immediate | null = null;
  private _yieldHandle: NodeJS.Immediate | null = null;
  private _hostTimer: NodeJS.Timeout | null = null;
  private _hostTimerAt = Infinity;
  private _autojumpHandle: NodeJS.Immediate | NodeJS.Timeout | null = null;
  private _resolveRun: ((value: unknown) => void) | null = null;
  private _rejectRun: ((err: unknown) => void) | null = null;
  private readonly _signal: AbortSignal | undefined;
  private _onAbort: (() => void) | null = null;
  private _onSigint: (() => void) | null = null;
  private _interrupted = false;

  constructor(options: RunnerOptions) {
    this._clock = options.clock;
    this._signal = options.signal;
    this._rootScope = new CancelScope(null, this);
    if (options.handleSignals) {
      this._onSigint = () => {
        this._interrupted = true;
        this._rootScope.cancel(new KeyboardInterrupt());
      };
    }
  }

  /** Runs `fn(...args)` as the root task; settles when it (and its children) have. */
  _start<T>(fn: (...args: unknown[]) => unknown, args: unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this._resolveRun = resolve as (value: unknown) => void;
      this._rejectRun = reject;
      this._clock._attach(this);
      const signal = this._signal;
      if (signal !== undefined) {
        if (signal.aborted) this._rootScope.cancel(signal.reason);
        else {
          this._onAbort = () => this._rootScope.cancel(signal.reason);
          signal.addEventListener("abort", this._onAbort, { once: true });
        }
      }
      if (this._onSigint !== null) process.on("SIGINT", this._onSigint);
      const root = new Task(this, fn, args, null, this._rootScope);
      this._spawned(root);
    });
  }

  /** Puts a resumable in the ready queue; a batch will resume it. */
  _schedule(r: Resumable): void {
    this._ready.push(r);
    if (!this._batchPending) {
      this._batchPending = true;
      if (this._yielding || ((++this._tick & 63) === 0 && this._overBudget())) {
        this._yieldToLoop();
      } else {
        queueMicrotask(this._runBatch);
      }
    }
  }

  /** A new task: counted live, started in the next batch. */
  _spawned(task: Task): void {
    this._liveTasks++;
    this._schedule(task);
  }

  /** @internal */
  _newNursery(kind: NurseryKind, owner: Task, scope: CancelScope): Nursery {
    return new Nursery(kind, owner, scope, this);
  }

  /**
   * The fast path of `checkpoint()`: `true` when the calling task may just await a resolved
   * promise (a turn of the microtask queue, behind every other ready task) instead of going
   * through a batch; `false` when the event loop is due a turn.
   */
  _fastCheckpoint(): boolean {
    if (this._yielding) return false;
    if ((++this._cpTick & 1023) !== 0 || !this._overBudget()) return true;
    this._yielding = true;
    return false;
  }

  /** The promise a fast checkpoint awaits. */
  get _resolved(): Promise<void> {
    return RESOLVED;
  }

  /** A task just became blocked. */
  _taskBlocked(): void {
    this._blockedTasks++;
    this._maybeAutojump();
  }

  /** A task has ended. */
  _taskExited(): void {
    this._liveTasks--;
    this._maybeAutojump();
  }

  /** The error a waiter of `frame` receives when its scope is cancelled. */
  _cancelError(frame: Frame): unknown {
    return cancelErrorFor(frame._task, frame._scope);
  }

  /** (Re)arms the single host timer for the earliest deadline of the run. */
  _armTimer(): void {
    if (this._clock.virtual) return;
    const at = this._timers.earliest;
    if (at === Infinity) {
      if (this._hostTimer !== null) {
        clearTimeout(this._hostTimer);
        this._hostTimer = null;
        this._hostTimerAt = Infinity;
      }
      return;
    }
    // An armed timer that fires no later than needed is kept: it re-arms when it fires.
    if (this._hostTimer !== null && this._hostTimerAt <= at) return;
    if (this._hostTimer !== null) clearTimeout(this._hostTimer);
    const ms = Math.max(0, Math.ceil((at - this._clock.now()) * 1000));
    this._hostTimerAt = at;
    this._hostTimer = setTimeout(this._onHostTimer, ms);
  }

  /** The virtual clock moved: fire what is due. */
  _clockMoved(): void {
    if (!this._done) this._processTimers();
  }

  /** The root task has ended: the run settles. */
  _rootExited(task: Task): void {
    this._taskExited();
    this._done = true;
    this._cleanup();
    const resolve = this._resolveRun as (value: unknown) => void;
    const reject = this._rejectRun as (err: unknown) => void;
    if (task._state === "finished") resolve(task._result);
    else if (task._state === "failed") reject(task._error);
    else if (this._interrupted) reject(new KeyboardInterrupt());
    else if (this._signal?.aborted === true) reject(this._signal.reason);
    else reject(new TaskCancelledError(task.name));
  }

  private readonly _runBatch = (): void => {
    this._batchPending = false;
    const batch = this._ready;
    this._ready = this._spare;
    for (let i = 0; i < batch.length; i++) (batch[i] as Resumable)._resume();
    batch.length = 0;
    this._spare = batch;
  };

  private _overBudget(): boolean {
    if (performance.now() - this._turnStart >= TURN_BUDGET_MS) return true;
    if (this._ping === null) this._ping = setImmediate(this._onPing);
    return false;
  }

  private readonly _onPing = (): void => {
    this._ping = null;
    this._turnStart = performance.now();
  };

  private _yieldToLoop(): void {
    this._yielding = true;
    if (this._yieldHandle === null) this._yieldHandle = setImmediate(this._onYield);
  }

  private readonly _onYield = (): void => {
    this._yieldHandle = null;
    this._yielding = false;
    this._turnStart = performance.now();
    if (this._batchPending) this._runBatch();
  };

  private readonly _onHostTimer = (): void => {
    this._hostTimer = null;
    this._hostTimerAt = Infinity;
    this._turnStart = performance.now();
    this._processTimers();
  };

  private _processTimers(): void {
    const now = this._clock.now();
    for (let e = this._timers.popDue(now); e !== undefined; e = this._timers.popDue(now)) {
      e.target._timeout();
    }
    this._armTimer();
    // Time moved but maybe nobody woke (a deadline behind a shield, a task parked in two
    // waits): every task may still be blocked, so look again.
    if (this._clock.virtual) this._maybeAutojump();
  }

  private _maybeAutojump(): void {
    if (this._blockedTasks !== this._liveTasks || this._liveTasks === 0) return;
    const threshold = this._clock._autojump;
    if (threshold === false || this._autojumpHandle !== null) return;
    this._autojumpHandle =
      threshold === 0 ? setImmediate(this._autojump) : setTimeout(this._autojump, threshold * 1000);
  }

  private readonly _autojump = (): void => {
    this._autojumpHandle = null;
    if (this._done || this._batchPending) return;
    if (this._blockedTasks !== this._liveTasks) return;
    const next = this._timers.earliest;
    if (next === Infinity) return;
    (this._clock as RunClock & { _jumpTo(t: number): void })._jumpTo(next);
  };

  private _cleanup(): void {
    this._clock._detach(this);
    if (this._onAbort !== null) this._signal?.removeEventListener("abort", this._onAbort);
    if (this._onSigint !== null) process.off("SIGINT", this._onSigint);
    if (this._hostTimer !== null) clearTimeout(this._hostTimer);
    if (this._ping !== null) clearImmediate(this._ping);
    if (this._autojumpHandle !== null) {
      clearImmediate(this._autojumpHandle as NodeJS.Immediate);
      clearTimeout(this._autojumpHandle as NodeJS.Timeout);
    }
    this._hostTimer = this._ping = this._autojumpHandle = null;
    this._timers.clear();
    // Settle whatever is still queued (orphaned waits) now rather than on a later turn.
    if (this._yieldHandle !== null) {
      clearImmediate(this._yieldHandle);
      this._yieldHandle = null;
    }
    if (this._batchPending) queueMicrotask(this._runBatch);
  }
}
