/**
 * Operations: what giambio's blocking functions return, so that a forgotten `await` is
 * caught.
 *
 * Why lazy: `giambio.sleep(2)` without `await` must not sleep, and the mistake must be
 * reported deterministically, not at the mercy of the garbage collector as in Python. So
 * `sleep()` checks its arguments at the call, then returns an `Operation`, a promise-like
 * object that does nothing until something calls its `then` (which `await`,
 * `Promise.all` and friends do). Until then it sits in its run's list of pending
 * operations.
 *
 * When the check runs: every batch of the scheduler snapshots the operations created
 * before it started, and looks at them again in a microtask queued at its end. Whoever
 * meant to `await` one of them did so in the synchronous code that created it, and the job
 * that calls `then` on an awaited thenable was queued right then, so it has run before
 * that microtask. An operation still not started there was never awaited by the time its
 * task yielded; neither was one still pending when its task ends. Each is dropped and
 * reported with `process.emitWarning` (type `GiambioWarning`), naming the operation and,
 * with `runWith({ recordSites: true })`, the line that created it.
 *
 * Cost: an operation is one small object and, once awaited, one extra promise and
 * microtask hop; recording the creation line costs a stack capture (about 2 µs). So both
 * are development checks: `checkAwaits` (and with it `recordSites`) defaults to on unless
 * `NODE_ENV` is `production`, and with it off `operation()` runs the body at once and
 * returns its promise, like a plain async function.
 * `checkpoint()` is not an operation: it is the hottest call, and forgetting to await it
 * does nothing at all, so it stays a plain promise (see docs/design.md).
 *
 * @module
 */
import { storage, type Frame } from "./context";
import type { Runner } from "./runner";
import type { Task } from "./task";
import { captureOpSite, formatOpSite, type OpSite } from "./trace";

/** The function an operation runs when it is awaited, with the arguments it was given. */
export type OperationBody<T, A, B> = (frame: Frame, a: A, b: B) => Promise<T>;

/**
 * A giambio operation that has been called but not yet awaited: a `Promise` that starts
 * when it is first awaited (or when `then`, `catch` or `finally` is first called on it).
 * Await it at once; an operation never awaited is reported as a `GiambioWarning`.
 *
 * @typeParam T - what the operation resolves with
 */
export class Operation<T, A = unknown, B = unknown> implements Promise<T> {
  /** @internal */ readonly _name: string;
  /** @internal */ readonly _frame: Frame;
  /** @internal */ _body: OperationBody<T, A, B> | null;
  /** @internal */ _a: A;
  /** @internal */ _b: B;
  /** @internal */ _promise: Promise<T> | null = null;
  /** @internal Where it was created, when the run records sites. */
  readonly _site: OpSite | null;
  /** @internal Creation order in the run, for the batch snapshots. */
  readonly _seq: number;
  /** @internal Neighbours in the run's list of operations not yet started. */
  _prev: Operation<unknown> | null = null;
  _next: Operation<unknown> | null = null;

  /** @internal Operations are made by giambio's functions. */
  constructor(name: string, frame: Frame, body: OperationBody<T, A, B>, a: A, b: B) {
    this._name = name;
    this._frame = frame;
    this._body = body;
    this._a = a;
    this._b = b;
    const runner = frame._task._runner;
    this._site = runner._recordSites ? captureOpSite() : null;
    this._seq = runner._opSeq++;
    runner._opAdded(this as Operation<unknown>);
  }

  /** `"Promise"`, so that `Object.prototype.toString` and `util.types` treat it as one. */
  get [Symbol.toStringTag](): string {
    return "Promise";
  }

  then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this._start().then(onfulfilled, onrejected);
  }

  catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this._start().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<T> {
    return this._start().finally(onfinally);
  }

  /** @internal Runs the operation, once. */
  _start(): Promise<T> {
    let p = this._promise;
    if (p === null) {
      const body = this._body as OperationBody<T, A, B>;
      this._body = null;
      const runner = this._frame._task._runner;
      if (this._prev !== null || runner._opHead === (this as Operation<unknown>)) {
        runner._opRemoved(this as Operation<unknown>);
      }
      try {
        p = body(this._frame, this._a, this._b);
      } catch (err) {
        p = Promise.reject(err);
      }
      this._promise = p;
      this._a = this._b = undefined as never;
    }
    return p;
  }

  /** @internal The task that created it. */
  get _task(): Task {
    return this._frame._task;
  }
}

/**
 * What giambio's blocking functions return: with `checkAwaits` (the default outside
 * `NODE_ENV=production`), a lazy {@link Operation} that reports a forgotten `await`; without
 * it, the promise of the body run at once, as a plain async function would, which saves an
 * object, a promise and a microtask hop per call.
 *
 * @internal
 */
export function operation<T, A, B>(
  name: string,
  frame: Frame,
  body: OperationBody<T, A, B>,
  a: A,
  b: B,
): Promise<T> {
  if (frame._task._runner._checkAwaits) return new Operation(name, frame, body, a, b);
  try {
    return body(frame, a, b);
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Wraps the body of an operation built from other giambio calls, so that it runs in the
 * frame the operation was created in. Whoever awaits an operation calls its `then` from
 * its own context (`await` in a scope function runs outside the scope's frame), so a body
 * that finds its task, scope or nursery through AsyncLocalStorage must be put back in the
 * creating frame; bodies that use the `frame` argument directly need no wrapping (and save
 * an `als.run`).
 */
export function inFrame<T, A, B>(body: OperationBody<T, A, B>): OperationBody<T, A, B> {
  // Run at once (checkAwaits off), the body is already in its frame: no als.run needed.
  return (frame, a, b) =>
    storage.getStore() === frame ? body(frame, a, b) : storage.run(frame, body, frame, a, b);
}

/** The message of the warning for an operation that was never awaited. */
export function neverAwaited(op: Operation<unknown>, runner: Runner): string {
  const site = op._site !== null ? formatOpSite(op._site) : null;
  const where =
    site !== null
      ? `, created at ${site}`
      : runner._recordSites
        ? ""
        : " (run with runWith({ recordSites: true }), or outside NODE_ENV=production, to see where it was created)";
  return (
    `giambio.${op._name}() was never awaited${where}, in task ${JSON.stringify(op._task.name)}. ` +
    "It did not run: put `await` before it (typescript-eslint's no-floating-promises catches this)."
  );
}
