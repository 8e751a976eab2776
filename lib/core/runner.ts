/**
 * One run: starts the root task, owns the parts that keep a run going (the scheduler,
 * timers, idleness, interrupts, instruments), and settles when the root task has ended.
 *
 * The runner itself only wires the parts together and reports what happens to tasks; each
 * job lives in its own file: `scheduler.ts` (ready queue, batches, yield policy),
 * `timers.ts` (the timer heap behind one host timer), `idleness.ts` (task counts,
 * `waitAllTasksBlocked`, autojump), `interrupts.ts` (SIGINT, the outside signal,
 * keep-alive). The never-awaited check is here because it hooks into batches and task
 * ends (see operation.ts for why it runs when it does).
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { KeyboardInterrupt, TaskCancelledError } from "../errors";
import { CancelScope, cancelErrorFor, forceCancel } from "./cancel-scope";
import type { RunClock } from "./clock";
import type { Frame } from "./context";
import { Idleness, type IdleWait } from "./idleness";
import { callHook, type Hook, type Instrument } from "./instruments";
import { Interrupts } from "./interrupts";
import { describeRun } from "./introspect";
import { neverAwaited, type Operation } from "./operation";
import { DEFAULT_TURN_BUDGET, Scheduler, type Ready } from "./scheduler";
import { Task, captureContext } from "./task";
import { Timers } from "./timers";
import { closeLeftovers, endServices, type RunService, type TrackedResource } from "./resources";

/** Microtasks of the run are queued as reactions to it: cheaper than `queueMicrotask`. */
const RESOLVED: Promise<void> = Promise.resolve();

/** What `runWith` passes to a runner. */
/** @internal */
export interface RunnerOptions {
  clock: RunClock;
  signal: AbortSignal | undefined;
  handleSignals: boolean;
  instruments: Instrument[] | null;
  traceSpawns: boolean;
  recordSites: boolean;
  turnBudget?: number;
}

/** @internal */
export class Runner {
  readonly _clock: RunClock;
  readonly _timers: Timers;
  readonly _idle: Idleness;
  readonly _sched: Scheduler;
  private readonly _interrupts: Interrupts;
  _done = false;
  /** The hooks of the run, or `null` (the common case: one null check per hook site). */
  _instruments: Instrument[] | null;
  readonly _traceSpawns: boolean;
  /** Whether each operation records the line that created it (see operation.ts). */
  readonly _recordSites: boolean;
  /**
   * Operations created since the last check, oldest first (see operation.ts); those
   * awaited since are dropped when the list is next looked at.
   */
  private readonly _unawaited: (Operation | null)[] = [];
  /** How many entries of `_unawaited` are in use. */
  _unawaitedCount = 0;
  _opSeq = 0;
  /**
   * How many `taskSpawned` hooks are running, nested: an instrument that spawns from its
   * hook must not recurse until the stack overflows half-way through a spawn (see
   * `Nursery._checkOpen`).
   */
  _spawnHookDepth = 0;
  private _opCheckPending = false;
  private _opCheckBefore = 0;
  private _afterBatchDue = false;
  /** Streams opened in the run and not closed yet (see resources.ts). */
  readonly _resources = new Set<TrackedResource>();
  /** Services the run owns (its worker pool), by key; ended with the run (resources.ts). */
  readonly _services = new Map<object, RunService>();
  _root: Task | null = null;
  readonly _rootScope: CancelScope;
  private _resolveRun: ((value: unknown) => void) | null = null;
  private _rejectRun: ((err: unknown) => void) | null = null;
  private readonly _signal: AbortSignal | undefined;

  constructor(options: RunnerOptions) {
    this._clock = options.clock;
    this._signal = options.signal;
    this._instruments = options.instruments;
    this._traceSpawns = options.traceSpawns;
    this._recordSites = options.recordSites;
    this._rootScope = new CancelScope(null, this);
    this._sched = new Scheduler(this, options.turnBudget ?? DEFAULT_TURN_BUDGET);
    this._timers = new Timers(
      () => this._clock.now(),
      this._clock.virtual,
      () => this._sched.turned(),
    );
    this._idle = new Idleness(this);
    this._interrupts = new Interrupts(this, options.signal, options.handleSignals);
  }

  /** Runs `fn(...args)` as the root task; settles when it (and its children) have. */
  start<T>(fn: (...args: unknown[]) => unknown, args: unknown[]): Promise<T> {
    // Throws at the call if the clock is in use by another run.
    this._clock._attach(this);
    return new Promise<T>((resolve, reject) => {
      this._resolveRun = resolve as (value: unknown) => void;
      this._rejectRun = reject;
      this._interrupts.start((reason) => this._rootScope.cancel(reason));
      if (this._instruments !== null) this._hook("beforeRun");
      const root = new Task(this, fn, args, null, this._rootScope, captureContext());
      this._root = root;
      this._spawned(root);
    });
  }

  // -- the scheduler ----------------------------------------------------------------------

  /** Puts a task or a woken wait in the ready queue; a batch will resume it. */
  _schedule(r: Ready & { readonly _task: Task }): void {
    if (this._instruments !== null) this._hook("taskScheduled", r._task);
    this._sched.schedule(r);
  }

  /** Whether an operation that did not need to wait may complete at once. */
  _continueNow(): boolean {
    // With instruments, every reschedule must be seen (taskScheduled): no shortcut.
    return this._instruments === null && this._sched.continueNow();
  }

  /** A batch starts: arm the never-awaited check, and call the batch hooks. */
  _batchStarting(): void {
    if (this._unawaitedCount > 0 && !this._opCheckPending && this._pruneAwaited(null)) {
      // Operations created before this batch: whoever awaits them has done so by the end
      // of the microtasks queued so far.
      this._opCheckPending = true;
      this._opCheckBefore = this._opSeq;
      void RESOLVED.then(this._checkOps);
    }
    if (this._instruments !== null) {
      this._afterBatch(); // the previous batch's, if its microtask has not run yet
      if (this._instruments !== null) this._hook("beforeBatch");
      // Queued behind the continuations the batch is about to release.
      this._afterBatchDue = true;
      void RESOLVED.then(this._afterBatch);
    }
  }

  get _batchPending(): boolean {
    return this._sched.pending;
  }

  // -- tasks --------------------------------------------------------------------------------

  /** A new task: counted live, started in the next batch. */
  _spawned(task: Task): void {
    this._idle.spawned();
    if (this._instruments !== null) {
      this._spawnHookDepth++;
      try {
        this._hook("taskSpawned", task);
      } finally {
        this._spawnHookDepth--;
      }
    }
    this._schedule(task);
  }

  _taskBlocked(): void {
    this._idle.taskBlocked();
  }

  _taskUnblocked(): void {
    this._idle.taskUnblocked();
  }

  _taskExited(): void {
    this._idle.exited();
  }

  /** A task's own code has ended: its operations never awaited never will be. */
  _taskBodyEnded(task: Task): void {
    this._pruneAwaited(task);
  }

  /** The root task has ended: the run settles. */
  _rootExited(task: Task): void {
    this._taskExited();
    this._done = true;
    const interrupts = this._interrupts.count;
    if (this._resources.size > 0) closeLeftovers(this._resources);
    // A service that needs time to end (worker threads exiting) delays the settling, so
    // that nothing the run started outlives it.
    const ending = this._services.size > 0 ? endServices(this._services) : null;
    this._cleanup();
    if (this._instruments !== null) {
      this._afterBatch();
      if (this._instruments !== null) this._hook("afterRun");
    }
    if (ending === null) this._settle(task, interrupts);
    else void ending.then(() => this._settle(task, interrupts));
  }

  /** Settles the run's promise with the root task's outcome. */
  private _settle(task: Task, interrupts: number): void {
    const resolve = this._resolveRun as (value: unknown) => void;
    const reject = this._rejectRun as (err: unknown) => void;
    if (interrupts > 0) {
      // Whatever else happened while unwinding travels along as the cause.
      const cause = task._state === "failed" ? task._error : undefined;
      reject(keyboardInterrupt(interrupts, cause));
    } else if (task._state === "finished") resolve(task._result);
    else if (task._state === "failed") reject(task._error);
    else if (this._signal?.aborted === true) reject(this._signal.reason);
    else reject(new TaskCancelledError(task.name));
  }

  /** Calls an instrument hook; drops the instruments once none is left. */
  _hook(hook: Hook, task?: Task): void {
    if (!callHook(this._instruments as Instrument[], hook, task)) this._instruments = null;
  }

  /** The error a wait of `frame` receives when its scope is cancelled. */
  _cancelError(frame: Frame): unknown {
    return cancelErrorFor(frame._task, frame._scope);
  }

  // -- idleness and time --------------------------------------------------------------------

  /** `waitAllTasksBlocked(cushion)`: parks `w` until every other task is blocked. */
  _waitIdle(w: IdleWait, cushion: number): void {
    this._idle.waitIdle(w, cushion);
  }

  get _autojump(): number | false {
    return this._clock._autojump;
  }

  get _earliest(): number {
    return this._timers.earliest;
  }

  _jumpTo(time: number): void {
    (this._clock as RunClock & { _jumpTo(t: number): void })._jumpTo(time);
  }

  /** The virtual clock moved: fire what is due, then look for idleness again. */
  clockMoved(): void {
    if (this._done) return;
    this._timers.fireDue();
    // Time moved but maybe nobody woke (a deadline behind a shield): look again.
    this._idle.check();
  }

  // -- interrupts ---------------------------------------------------------------------------

  /** The `n`th Ctrl-C: the first cancels the run, the second shielded scopes too. */
  _interrupt(n: number): void {
    if (n === 1) this._rootScope.cancel(new KeyboardInterrupt());
    else forceCancel(this._rootScope, new KeyboardInterrupt());
  }

  /** The task tree, as text (for the third Ctrl-C). */
  _describe(): string {
    return this._root === null ? "(no task)" : describeRun(this).toString();
  }

  // -- internals ----------------------------------------------------------------------------

  /** An operation was created: it is looked at again by the next check. */
  _opCreated(op: Operation): void {
    this._unawaited[this._unawaitedCount++] = op;
  }

  /**
   * Drops the operations awaited since they were created, and reports those never awaited
   * of `ended` (a task whose code has ended) or created before operation `before`; returns
   * whether any not awaited is left.
   */
  private _pruneAwaited(ended: Task | null, before = 0): boolean {
    const list = this._unawaited;
    const n = this._unawaitedCount;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const op = list[i] as Operation;
      list[i] = null;
      if (op._started) continue;
      if (op._task === ended || op._seq < before) this._reportUnawaited(op);
      else list[kept++] = op;
    }
    this._unawaitedCount = kept;
    return kept > 0;
  }

  /** The check queued by a batch: reports what was created before it and not awaited. */
  private readonly _checkOps = (): void => {
    this._opCheckPending = false;
    this._pruneAwaited(null, this._opCheckBefore);
  };

  private _reportUnawaited(op: Operation): void {
    op._reported = true;
    process.emitWarning(neverAwaited(op, this), "GiambioWarning");
  }

  private readonly _afterBatch = (): void => {
    if (!this._afterBatchDue) return;
    this._afterBatchDue = false;
    if (this._instruments !== null) this._hook("afterBatch");
  };

  private _cleanup(): void {
    this._clock._detach(this);
    this._interrupts.stop();
    this._idle.stop();
    this._timers.clear();
    // Settle whatever is still queued (orphaned waits) now rather than on a later turn.
    this._sched.stop();
  }
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
