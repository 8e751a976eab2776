/**
 * `run` and `runWith`: where every giambio program starts.
 *
 * @module
 */
import {
  Runner,
  checkBoolean,
  checkFunction,
  checkInstruments,
  checkOptions,
  describe,
  insideLiveRun,
  systemClock,
  type Instrument,
  type RunClock,
} from "./core";

/**
 * Options of {@link runWith}.
 *
 * @example
 * ```ts
 * import { MockClock } from "giambio/testing";
 *
 * const options: giambio.RunOptions = {
 *   clock: new MockClock({ autojump: true }),
 *   handleSignals: false,
 * };
 * await giambio.runWith(options, async () => {
 *   await giambio.sleep(60);
 *   console.log(giambio.clock());
 * });
 * ```
 *
 * ```text
 * 60
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
   * Record the line that creates each operation, so that the warning for an operation
   * never awaited can name it (the user's line, also under source maps). Costs a stack
   * capture (a few microseconds) per operation; it changes nothing else.
   * @default true when `NODE_ENV` is `"development"` or `"test"`, or
   *   `GIAMBIO_RECORD_SITES=1` is set; otherwise false
   */
  recordSites?: boolean;
  /**
   * How long, in seconds, tasks may run on the microtask queue before the scheduler lets
   * the event loop turn (timers, I/O, Ctrl-C). `Infinity` never yields: only for
   * benchmarks that measure the policy's cost.
   * @default 0.005
   */
  turnBudget?: number;
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
 * console.log(await giambio.run(main, "world"));
 * ```
 *
 * ```text
 * hello, world
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
  const recordSites = options.recordSites ?? recordSitesByDefault();
  checkBoolean(recordSites, "options.recordSites");
  const turnBudget = options.turnBudget;
  if (turnBudget !== undefined && !(typeof turnBudget === "number" && turnBudget > 0)) {
    const err = typeof turnBudget === "number" ? RangeError : TypeError;
    throw new err(
      `Expected \`options.turnBudget\` to be a number of seconds > 0, got ${describe(turnBudget)}`,
    );
  }
  if ("checkAwaits" in options) {
    throw new TypeError(
      "`options.checkAwaits` was removed: an operation never runs until awaited, in every " +
        "environment; use `recordSites` to choose whether its creation line is recorded",
    );
  }
  if (insideLiveRun()) {
    throw new TypeError(
      "giambio.run() was called from inside a running task; a run cannot nest. " +
        "Start concurrent work with giambio.spawn() or a nursery instead. This includes " +
        "callbacks created inside a task (a setTimeout, a net.Server's connection handler): " +
        "spawn that work into a nursery you hold, or start the server outside the run",
    );
  }
  const runner = new Runner({
    clock,
    signal,
    handleSignals,
    instruments,
    traceSpawns,
    recordSites,
    ...(turnBudget !== undefined ? { turnBudget } : {}),
  });
  return runner.start(fn as (...args: unknown[]) => unknown, args);
}

/** Sites are recorded by default in development and tests, or when asked for by env. */
function recordSitesByDefault(): boolean {
  const env = process.env;
  return (
    env.NODE_ENV === "development" || env.NODE_ENV === "test" || env.GIAMBIO_RECORD_SITES === "1"
  );
}
