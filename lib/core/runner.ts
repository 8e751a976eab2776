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
 * Idleness: the runner counts live tasks and blocked tasks (a task is blocked while it has
 * a parked waiter: a sleep, a join, a `cancellable`, its children). When the two counts
 * meet, every task is waiting on something outside the run, and `_maybeIdle` arms a
 * check for the next turn of the event loop. If nothing ran in between (`_activity` did not
 * move), the run is idle: the `waitAllTasksBlocked()` waiter with the smallest cushion is
 * woken, or a `MockClock` with autojump jumps to the next deadline, whichever asked for the
 * shorter real-time cushion (waiters win ties). This is trio's design: autojump is just
 * another idle waiter.
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
import { callHook, type Hook, type Instrument } from "./instruments";
import { neverAwaited, type Operation } from "./operation";
import { Waiter, type Resumable } from "./waiter";

/** How long (ms) microtasks may run before the runner lets the event loop turn. */
export const TURN_BUDGET_MS = 5;

const RESOLVED: Promise<void> = Promise.resolve();
const KEEP_ALIVE_MS = 2 ** 31 - 1;

function noop(): void {}

/** What `runWith` passes to a runner. @internal */
export interface RunnerOptions {
  clock: RunClock;
  signal: AbortSignal | undefined;
  handleSignals: boolean;
  instruments: Instrument[] | null;
  traceSpawns: boolean;
  checkAwaits: boolean;
  recordSites: boolean;
}

/** A `waitAllTasksBlocked(cushion)` call in progress. */
interface IdleWaiter {
  readonly cushion: number;
  readonly seq: number;
  readonly waiter: Waiter<void>;
}

export class Runner {
  readonly _clock: RunClock;
  readonly _timers = new TimerHeap();
  _liveTasks = 0;
  _blockedTasks = 0;
  /** Moves whenever a task starts or stops being blocked: tells a real idle period apart. */
  _activity = 0;
  _done = false;
  /** The hooks of the run, or `null` (the common case: one null check per hook site). */
  _instruments: Instrument[] | null;
  readonly _traceSpawns: boolean;
  /** Whether blocking functions return lazy operations that report a missing `await`. */
  readonly _checkAwaits: boolean;
  /** Whether each operation records the line that created it (see operation.ts). */
  readonly _recordSites: boolean;
  /** Operations created and not yet started, oldest first (see operation.ts). */
  _opHead: Operation<unknown> | null = null;
  private _opTail: Operation<unknown> | null = null;
  _opSeq = 0;
  private _opCheckPending = false;
  _root: Task | null = null;
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
  private _idleImmediate: NodeJS.Immediate | null = null;
  private _idleTimer: NodeJS.Timeout | null = null;
  private _idleEpoch = 0;
  private _idleSince = 0;
  private _idleWaiters: IdleWaiter[] = [];
  private _idleSeq = 0;
  private _resolveRun: ((value: unknown) => void) | null = null;
  private _rejectRun: ((err: unknown) => void) | null = null;
  private readonly _signal: AbortSignal | undefined;
  private _onAbort: (() => void) | null = null;
  private _onSigint: (() => void) | null = null;
  private _keepAlive: NodeJS.Timeout | null = null;
  /** How many SIGINTs the run received. */
  _interrupts = 0;

  constructor(options: RunnerOptions) {
    this._clock = options.clock;
    this._signal = options.signal;
    this._instruments = options.instruments;
    this._traceSpawns = options.traceSpawns;
    this._checkAwaits = options.checkAwaits;
    this._recordSites = options.recordSites;
    this._rootScope = new CancelScope(null, this);
    if (options.handleSignals) {
      // The first Ctrl-C cancels the run; a second one while it unwinds is not lost: it
      // cancels every scope, shielded ones too, so that cleanup stuck in a shield stops.
      this._onSigint = () => {
        this._interrupts++;
        if (this._interrupts === 1) this._rootScope.cancel(new KeyboardInterrupt());
        else forceCancel(this._rootScope, new KeyboardInterrupt());
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
      // A live run keeps the process alive, as a blocked trio program does: tasks parked
      // forever (a server's `sleepForever()`) wait for Ctrl-C instead of Node exiting with
      // their `finally` blocks never run.
      this._keepAlive = setInterval(noop, KEEP_ALIVE_MS);
      if (this._instruments !== null) this._hook("beforeRun");
      const root = new Task(this, fn, args, null, this._rootScope);
      this._root = root;
      this._spawned(root);
    });
  }

  /** Puts a resumable in the ready queue; a batch will resume it. */
  _schedule(r: Resumable): void {
    this._ready.push(r);
    if (this._instruments !== null) this._hook("taskScheduled", r._task);
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
    this._activity++;
    if (this._instruments !== null) this._hook("taskSpawned", task);
    this._schedule(task);
  }

  /** Calls an instrument hook; drops the instruments once none is left. */
  _hook(hook: Hook, task?: Task): void {
    if (!callHook(this._instruments as Instrument[], hook, task)) this._instruments = null;
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
    // With instruments, every reschedule must be seen (taskScheduled), so no shortcut.
    if (this._yielding || this._instruments !== null) return false;
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
    this._activity++;
    if (this._blockedTasks === this._liveTasks) this._maybeIdle();
  }

  /** A blocked task was woken. */
  _taskUnblocked(): void {
    this._blockedTasks--;
    this._activity++;
  }

  /** A task has ended. */
  _taskExited(): void {
    this._liveTasks--;
    this._activity++;
    this._maybeIdle();
  }

  /**
   * `waitAllTasksBlocked(cushion)`: parks `w` until every other task has been blocked for
   * `cushion` real seconds.
   */
  _waitIdle(w: Waiter<void>, cushion: number): void {
    const entry: IdleWaiter = { cushion, seq: this._idleSeq++, waiter: w };
    const list = this._idleWaiters;
    let i = list.length;
    while (i > 0 && (list[i - 1] as IdleWaiter).cushion > cushion) i--;
    list.splice(i, 0, entry);
    w._cleanup = () => {
      const at = this._idleWaiters.indexOf(entry);
      if (at >= 0) this._idleWaiters.splice(at, 1);
    };
    this._maybeIdle();
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
    if (this._instruments !== null) {
      this._afterBatch();
      if (this._instruments !== null) this._hook("afterRun");
    }
    const resolve = this._resolveRun as (value: unknown) => void;
    const reject = this._rejectRun as (err: unknown) => void;
    if (this._interrupts > 0) {
      // Whatever else happened while unwinding travels along as the cause.
      const cause = task._state === "failed" ? task._error : undefined;
      reject(keyboardInterrupt(this._interrupts, cause));
    } else if (task._state === "finished") resolve(task._result);
    else if (task._state === "failed") reject(task._error);
    else if (this._signal?.aborted === true) reject(this._signal.reason);
    else reject(new TaskCancelledError(task.name));
  }

  private readonly _runBatch = (): void => {
    this._batchPending = false;
    if (this._opHead !== null && !this._opCheckPending) {
      // Operations created before this batch: whoever awaits them has done so by the end
      // of the microtasks queued so far.
      this._opCheckPending = true;
      this._opCheckBefore = this._opSeq;
      queueMicrotask(this._checkOps);
    }
    const instrumented = this._instruments !== null;
    if (instrumented) {
      this._afterBatch(); // the previous batch's, if its microtask has not run yet
      if (this._instruments !== null) this._hook("beforeBatch");
    }
    const batch = this._ready;
    this._ready = this._spare;
    for (let i = 0; i < batch.length; i++) (batch[i] as Resumable)._resume();
    batch.length = 0;
    this._spare = batch;
    // Queued behind the continuations the batch just released, so each has taken its step.
    if (instrumented) {
      this._afterBatchDue = true;
      queueMicrotask(this._afterBatch);
    }
  };

  private _afterBatchDue = false;
  private _opCheckBefore = 0;

  private readonly _checkOps = (): void => {
    this._opCheckPending = false;
    const before = this._opCheckBefore;
    for (let op = this._opHead; op !== null && op._seq < before; op = this._opHead) {
      this._opRemoved(op);
      process.emitWarning(neverAwaited(op, this), "GiambioWarning");
    }
  };

  /** @internal An operation was created: it waits in the list until it is awaited. */
  _opAdded(op: Operation<unknown>): void {
    const tail = this._opTail;
    op._prev = tail;
    if (tail === null) this._opHead = op;
    else tail._next = op;
    this._opTail = op;
  }

  /** @internal An operation was started (or reported): out of the list. */
  _opRemoved(op: Operation<unknown>): void {
    const { _prev: prev, _next: next } = op;
    if (prev === null) this._opHead = next;
    else prev._next = next;
    if (next === null) this._opTail = prev;
    else next._prev = prev;
    op._prev = op._next = null;
  }

  /** @internal A task's own code has ended: its operations never started never will. */
  _taskBodyEnded(task: Task): void {
    for (let op = this._opHead; op !== null;) {
      const next = op._next;
      if (op._task === task) {
        this._opRemoved(op);
        process.emitWarning(neverAwaited(op, this), "GiambioWarning");
      }
      op = next;
    }
  }

  private readonly _afterBatch = (): void => {
    if (!this._afterBatchDue) return;
    this._afterBatchDue = false;
    if (this._instruments !== null) this._hook("afterBatch");
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
    if (this._clock.virtual) this._maybeIdle();
  }

  /** Arms the idle check if every task is blocked and someone waits for idleness. */
  private _maybeIdle(): void {
    if (this._idleImmediate !== null || this._idleTimer !== null || this._done) return;
    if (this._blockedTasks !== this._liveTasks || this._liveTasks === 0) return;
    if (this._idleWaiters.length === 0 && this._clock._autojump === false) return;
    this._idleEpoch = this._activity;
    this._idleSince = performance.now();
    this._idleImmediate = setImmediate(this._onIdle);
  }

  private readonly _onIdle = (): void => {
    this._idleImmediate = this._idleTimer = null;
    if (this._done) return;
    if (this._activity !== this._idleEpoch || this._batchPending) {
      this._maybeIdle(); // something ran meanwhile: the idle period starts again
      return;
    }
    if (this._blockedTasks !== this._liveTasks) return; // the next block re-arms
    const first = this._idleWaiters[0];
    const threshold = this._clock._autojump;
    const next = this._timers.earliest;
    const jump =
      threshold !== false &&
      next !== Infinity &&
      (first === undefined || threshold < first.cushion);
    const cushion = jump ? threshold : first === undefined ? Infinity : first.cushion;
    if (cushion === Infinity) return;
    const left = cushion * 1000 - (performance.now() - this._idleSince);
    if (left > 0) {
      this._idleTimer = setTimeout(this._onIdle, left);
      return;
    }
    if (jump) {
      (this._clock as RunClock & { _jumpTo(t: number): void })._jumpTo(next);
    } else {
      this._idleWaiters.shift();
      (first as IdleWaiter).waiter._wake(undefined);
    }
  };

  private _cleanup(): void {
    this._clock._detach(this);
    if (this._onAbort !== null) this._signal?.removeEventListener("abort", this._onAbort);
    if (this._onSigint !== null) process.off("SIGINT", this._onSigint);
    if (this._hostTimer !== null) clearTimeout(this._hostTimer);
    if (this._keepAlive !== null) clearInterval(this._keepAlive);
    this._keepAlive = null;
    if (this._ping !== null) clearImmediate(this._ping);
    if (this._idleImmediate !== null) clearImmediate(this._idleImmediate);
    if (this._idleTimer !== null) clearTimeout(this._idleTimer);
    this._hostTimer = this._ping = this._idleImmediate = this._idleTimer = null;
    this._timers.clear();
    // Settle whatever is still queued (orphaned waits) now rather than on a later turn.
    if (this._yieldHandle !== null) {
      clearImmediate(this._yieldHandle);
      this._yieldHandle = null;
    }
    if (this._batchPending) queueMicrotask(this._runBatch);
  }
}

/** Cancels `root` and every scope below it, shielded or not. */
function forceCancel(root: CancelScope, reason: unknown): void {
  const all: CancelScope[] = [];
  const stack = [root];
  for (let s = stack.pop(); s !== undefined; s = stack.pop()) {
    all.push(s);
    for (let c = s._firstChild; c !== null; c = c._nextSibling) stack.push(c);
  }
  for (const s of all) s.cancel(reason);
}

function keyboardInterrupt(signals: number, cause: unknown): KeyboardInterrupt {
  const message =
    signals === 1
      ? "Interrupted by SIGINT"
      : `Interrupted by SIGINT (${signals} times: the second one also cancelled shielded cleanup)`;
  const err = new KeyboardInterrupt(message, signals);
  if (cause !== undefined)
    Object.defineProperty(err, "cause", { value: cause, configurable: true, writable: true });
  return err;
}
