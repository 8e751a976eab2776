/**
 * Operations: what giambio's blocking functions return.
 *
 * Why lazy, everywhere: `giambio.sleep(2)` without `await` must not sleep, in every
 * environment, and the mistake must be reported deterministically, not at the mercy of
 * the garbage collector as in Python. So `sleep()` checks its arguments at the call, then
 * returns an `Operation`: a promise-like object that does nothing until something calls
 * its `then` (which `await`, `Promise.all` and friends do). Until then it sits in its
 * run's list of operations not yet awaited.
 *
 * Why cheap: the operation *is* the parked waiter (it extends `Waiter`). `await op` calls
 * `op.then(resolve, reject)`; the operation keeps those two callbacks and runs its body,
 * which either completes at once (a checkpoint that need not wait: the callback is called
 * right there, so the `await` costs two turns of the microtask queue, no more) or parks
 * the operation itself in its scope, a parking lot or the timer heap; the batch that wakes
 * it calls the callback. No promise and no closure per operation, beyond the one `then`
 * must return.
 *
 * When the check runs: every batch of the scheduler snapshots the operations created
 * before it started and looks at them again in a microtask queued at its end. Whoever
 * meant to `await` one did so in the synchronous code that created it, and the job that
 * calls `then` on an awaited thenable was queued right then, so it has run before that
 * microtask. An operation still not started there was not awaited by the time its task
 * yielded; neither was one still pending when its task's code ends. Each is reported with
 * `process.emitWarning` (type `GiambioWarning`), naming the operation, its task and, when
 * the run records sites, the user's line that created it.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { storage, type Frame } from "./context";
import type { Runner } from "./runner";
import { Chained, chainSettlers } from "./chained";
import { captureOpSite, formatOpSite, type OpSite } from "./trace";
import { FAILED, IDLE, PARKED, WOKEN, Waiter } from "./waiter";

/** The body of an operation that parks or completes the operation itself. */
/** @internal */
export type LeafBody<T, A, B> = (op: Operation<T>, a: A, b: B) => void;

/** The body of an operation built from other giambio calls: an async function. */
/** @internal */
export type CompoundBody<T, A, B> = (frame: Frame, a: A, b: B) => Promise<T>;

type Settle = (value: unknown) => unknown;

/**
 * A giambio operation that has been called but not yet awaited: a `Promise` that starts
 * when it is first awaited (or when `then`, `catch` or `finally` is first called on it).
 * Await it at once; an operation never awaited does nothing and is reported as a
 * `GiambioWarning`.
 *
 * @typeParam T - what the operation resolves with
 */
/** @internal */
export class Operation<T = unknown> extends Waiter<T> implements Promise<T> {
  /** The frame of the code that created it. */
  readonly _frame: Frame;
  /** Where it was created, when the run records sites. */
  readonly _site: OpSite | null;
  /** Creation order in the run, for the batch snapshots. */
  readonly _seq: number;
  private _body: LeafBody<T, unknown, unknown> | CompoundBody<T, unknown, unknown> | null;
  private readonly _compound: boolean;
  private _a: unknown;
  private _b: unknown;
  /** Reported as never awaited (it still runs if awaited later). */
  _reported = false;
  /**
   * What the callbacks of the first two-callback `then` returned or threw, for the
   * promise that `then` returned (see {@link Chained}).
   */
  private _chainState = CHAIN_NONE;
  private _chainOutcome: unknown = undefined;
  private _chainPromise: Promise<unknown> | null = null;

  constructor(
    name: string,
    frame: Frame,
    body: LeafBody<T, unknown, unknown> | CompoundBody<T, unknown, unknown>,
    compound: boolean,
    a: unknown,
    b: unknown,
  ) {
    super(frame._task, name);
    this._frame = frame;
    this._body = body;
    this._compound = compound;
    this._a = a;
    this._b = b;
    const runner = frame._task._runner;
    this._site = runner._recordSites ? captureOpSite() : null;
    this._seq = runner._opSeq++;
    runner._opCreated(this as Operation);
  }

  /** Whether it has been awaited (or reported as never awaited). */
  get _started(): boolean {
    return this._body === null || this._reported;
  }

  /** The run's clock, in seconds. */
  clockNow(): number {
    return this._task._runner._clock.now();
  }

  /**
   * Parks until the run's clock reads `deadline` (a sleep), in the calling code's scope;
   * `Infinity` parks until cancelled.
   */
  parkUntil(deadline: number): void {
    this._what = "sleep";
    this.parkHere();
    if (deadline !== Infinity) this._timer = this._task._runner._timers.add(deadline, this);
  }

  /** The operation's name, as the warning and `taskTree()` show it. */
  get _name(): string {
    return this._what as string;
  }

  /** `"Promise"`, so that `Object.prototype.toString` and `util.types` treat it as one. */
  get [Symbol.toStringTag](): string {
    return "Promise";
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    // `await`, `Promise.all` and `Promise.race` pass both callbacks, which only settle a
    // promise of theirs: those are called directly. Anything else (a second `then`, a
    // user's one-callback `then`, `catch`, `finally`) goes through a real promise, so its
    // callbacks run asynchronously, in the caller's context, as Promises/A+ requires.
    if (
      this._body === null ||
      typeof onfulfilled !== "function" ||
      typeof onrejected !== "function"
    ) {
      this._start();
      return this.promise.then(onfulfilled, onrejected);
    }
    this._chainState = CHAIN_PENDING;
    this._onF = onfulfilled as Settle;
    this._onR = onrejected;
    this._start();
    return new Chained<R1 | R2>(this as Operation);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    this._start();
    return this.promise.finally(onfinally);
  }

  /** Completes the operation at once with `value` (it did not need to wait). */
  now(value: T): void {
    this._state = WOKEN;
    this._outcome = value;
    // The `await` already cost a turn of the microtask queue; deliver at once, unless the
    // event loop is due a turn or instruments must see the reschedule.
    if (this._onF !== null && this._task._runner._continueNow()) this._deliver();
    else this._task._runner._schedule(this);
  }

  /**
   * Fails at once with the scope's `Cancelled` if the calling code has been cancelled (a
   * checkpoint that throws still goes through the scheduler, so it still yields). Returns
   * whether it did.
   */
  failIfCancelled(): boolean {
    const frame = this._frame;
    if (!frame._scope._cancelled) return false;
    this.fail(frame._task._runner._cancelError(frame));
    return true;
  }

  /** Parks in the calling code's scope (or uncancellably, with `cancellable` false). */
  parkHere(cancellable = true): this {
    return this._park(cancellable ? this._frame._scope : null);
  }

  protected override _call(f: Settle, outcome: unknown): void {
    let value: unknown;
    try {
      value = f(outcome);
    } catch (err) {
      this._settleChain(CHAIN_REJECTED, err);
      return;
    }
    this._settleChain(CHAIN_FULFILLED, value);
  }

  private _settleChain(state: number, outcome: unknown): void {
    if (this._chainState !== CHAIN_PENDING) return;
    this._chainState = state;
    this._chainOutcome = outcome;
    const p = this._chainPromise;
    if (p !== null) {
      (chainSettlers.get(p) as [Settle, Settle])[state === CHAIN_FULFILLED ? 0 : 1](outcome);
      chainSettlers.delete(p);
    } else if (state === CHAIN_REJECTED) {
      // Nobody holds the result yet: a real rejected promise, so that one never handled
      // is reported as an unhandled rejection, as a Promise's would be.
      this._chainPromise = Promise.reject(outcome);
    }
  }

  /** The promise of what the first `then`'s callbacks returned, made on demand. */
  _chain(): Promise<unknown> {
    let p = this._chainPromise;
    if (p !== null) return p;
    if (this._chainState === CHAIN_FULFILLED) p = Promise.resolve(this._chainOutcome);
    else {
      let settlers: [Settle, Settle] | undefined;
      p = new Promise((res, rej) => (settlers = [res, rej]));
      chainSettlers.set(p, settlers as unknown as [Settle, Settle]);
    }
    this._chainPromise = p;
    return p;
  }

  /** Runs the operation, once. */
  private _start(): void {
    const body = this._body;
    if (body === null) return;
    this._body = null;
    const a = this._a;
    const b = this._b;
    this._a = this._b = undefined;
    if (!this._compound) {
      try {
        (body as LeafBody<T, unknown, unknown>)(this, a, b);
      } catch (err) {
        // A body that throws (a misuse error, or after parking) fails its operation.
        if (this._state === IDLE || this._state === PARKED) this.fail(err);
        else throw err;
      }
      return;
    }
    const frame = this._frame;
    let p: Promise<T>;
    try {
      // Whoever awaits an operation calls `then` from its own context, so a body that
      // calls other giambio functions is put back in the frame that created it.
      p =
        storage.getStore() === frame
          ? (body as CompoundBody<T, unknown, unknown>)(frame, a, b)
          : storage.run(frame, body as CompoundBody<T, unknown, unknown>, frame, a, b);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (value) => this._settle(WOKEN, value),
      (err: unknown) => this._settle(FAILED, err),
    );
  }

  private _settle(state: number, outcome: unknown): void {
    this._state = state;
    this._outcome = outcome;
    this._deliver();
  }
}

const CHAIN_NONE = 0;
const CHAIN_PENDING = 1;
const CHAIN_FULFILLED = 2;
const CHAIN_REJECTED = 3;

/** Makes an operation whose body parks or completes it (see {@link Operation}). */
/** @internal */
export function operation<T, A, B>(
  name: string,
  frame: Frame,
  body: LeafBody<T, A, B>,
  a: A,
  b: B,
): Operation<T> {
  return new Operation<T>(name, frame, body as LeafBody<T, unknown, unknown>, false, a, b);
}

/**
 * Makes an operation whose body is an async function built from other giambio calls; it
 * runs in the frame it was created in.
 */
/** @internal */
export function compound<T, A, B>(
  name: string,
  frame: Frame,
  body: CompoundBody<T, A, B>,
  a: A,
  b: B,
): Operation<T> {
  return new Operation<T>(name, frame, body as CompoundBody<T, unknown, unknown>, true, a, b);
}

/** The message of the warning for an operation that was never awaited. */
/** @internal */
export function neverAwaited(op: Operation, runner: Runner): string {
  const site = op._site !== null ? formatOpSite(op._site) : null;
  const where =
    site !== null
      ? `, created at ${site}`
      : runner._recordSites
        ? ""
        : " (run with runWith({ recordSites: true }) or GIAMBIO_RECORD_SITES=1 to see where it was created)";
  return (
    `giambio.${op._name}() was never awaited${where}, in task ${JSON.stringify(op._task.name)}. ` +
    "It has not run, and runs only if awaited: put `await` before it (typescript-eslint's " +
    "no-floating-promises catches this)."
  );
}
