/**
 * `run` and `runWith`: where every giambio program starts.
 *
 * @module
 */
import { systemClock, type RunClock } from "./core/clock";
import { storage } from "./core/context";
import { checkInstruments, type Instrument } from "./core/instruments";
import { Runner } from "./core/runner";
import { checkBoolean, checkFunction, checkOptions, describe } from "./core/validate";

/**
 * Options of {@link runWith}.
 *
 * @example
 * ```ts
 * const options: giambio.RunOptions = { clock: new MockClock({ autojump: true }), handleSignals: false };
 * await giambio.runWith(options, main);
 * ```
 */
export interface RunOptions {
  /**
   * The clock the run keeps time with: a `MockClock` from `giambio/testing` for virtual
   * time.
   * @default the host's monotonic clock
   */
  clock?: RunClock;
  /** An outside signal: when it aborts, the whole run is cancelled and rejects with its `reason`. */
  signal?: AbortSignal;
  /**
   * Whether SIGINT (Ctrl-C) cancels the run, which then rejects with `KeyboardInterrupt`
   * after every task has unwound.
   * @default true
   */
  handleSignals?: boolean;
  /**
   * Hooks called as the run goes (see {@link Instrument}). An instrument that throws is
   * removed and reported as a `GiambioWarning`; it never breaks the run.
   * @default []
   */
  instruments?: readonly Instrument[];
  /**
   * Record where each task was spawned (a stack capture per spawn): `taskTree()` shows it,
   * and an error that escapes the run carries the chain of spawn sites in `giambioTrace`.
   * @default false
   */
  traceSpawns?: boolean;
  /**
   * Catch a forgotten `await`: blocking functions return a lazy operation that does not run
   * until awaited, and one never awaited is reported as a `GiambioWarning` by the time its
   * task next yields or ends. Off, they run at once like plain async functions (cheaper by
   * an object, a promise and a microtask hop per call) and nothing is checked.
   * @default true, unless `process.env.NODE_ENV` is `"production"`
   */
  checkAwaits?: boolean;
  /**
   * With `checkAwaits`, record the line that creates each operation, so that the warning
   * can name it. Costs a stack capture (about 2 µs) per operation.
   * @default the value of `checkAwaits`
   */
  recordSites?: boolean;
}

/**
 * Runs `fn(...args)` as the root task of a new giambio run.
 *
 * @param fn - the root task's function; `args` are type-checked against its parameters
 * @returns what `fn` returned, once `fn` and every task it started have finished
 * @throws (rejects with) the root task's error, a `MultiError` when several tasks failed,
 *   `KeyboardInterrupt` after Ctrl-C; throws a `TypeError` at once when called from inside
 *   a running task (use `spawn` or a nursery there)
 * @example
 * ```ts
 * import * as giambio from "giambio";
 *
 * async function main(name: string): Promise<string> {
 *   await giambio.sleep(0.01);
 *   return `hello, ${name}`;
 * }
 *
 * console.log(await giambio.run(main, "world")); // hello, world
 * ```
 */
export function run<A extends unknown[], T>(
  fn: (...args: A) => T | PromiseLike<T>,
  ...args: A
): Promise<Awaited<T>> {
  return runWith({}, fn, ...args);
}

/**
 * Like {@link run}, with options: a virtual `clock`, an outside `signal`, and
 * `handleSignals`.
 *
 * @example
 * ```ts
 * import { MockClock } from "giambio/testing";
 *
 * const clock = new MockClock({ autojump: true });
 * await giambio.runWith({ clock }, async () => {
 *   await giambio.sleep(3600); // an hour of virtual time, at once
 * });
 * ```
 */
export function runWith<A extends unknown[], T>(
  options: RunOptions,
  fn: (...args: A) => T | PromiseLike<T>,
  ...args: A
): Promise<Awaited<T>> {
  checkOptions(options, "options");
  if (options === undefined)
    throw new TypeError("Expected `options` to be an object, got `undefined` (undefined)");
  checkFunction(fn, "fn");
  const clock = options.clock ?? systemClock;
  if (
    typeof clock !== "object" ||
    clock === null ||
    typeof (clock as Partial<RunClock>).now !== "function" ||
    typeof (clock as Partial<RunClock>)._attach !== "function"
  ) {
    throw new TypeError(`Expected \`options.clock\` to be a MockClock, got ${describe(clock)}`);
  }
  const signal = options.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(
      `Expected \`options.signal\` to be an AbortSignal, got ${describe(signal)}`,
    );
  }
  const handleSignals = options.handleSignals ?? true;
  checkBoolean(handleSignals, "options.handleSignals");
  const traceSpawns = options.traceSpawns ?? false;
  checkBoolean(traceSpawns, "options.traceSpawns");
  const instruments = checkInstruments(options.instruments);
  const checkAwaits = options.checkAwaits ?? process.env.NODE_ENV !== "production";
  checkBoolean(checkAwaits, "options.checkAwaits");
  const recordSites = options.recordSites ?? checkAwaits;
  checkBoolean(recordSites, "options.recordSites");
  const frame = storage.getStore();
  if (frame !== undefined && !frame._task._runner._done) {
    throw new TypeError(
      "giambio.run() was called from inside a running task; a run cannot nest. " +
        "Start concurrent work with giambio.spawn() or a nursery instead",
    );
  }
  const runner = new Runner({
    clock,
    signal,
    handleSignals,
    instruments,
    traceSpawns,
    checkAwaits,
    recordSites,
  });
  return runner._start(fn as (...args: unknown[]) => unknown, args);
}
