/**
 * `withVirtualTime`: a test body that runs as a giambio run on a fresh autojumping
 * `MockClock`, for any test runner.
 *
 * @module
 */
import { checkFunction, checkOptions } from "../core";
import { runWith, type RunOptions } from "../run";
import { MockClock, type MockClockOptions } from "./mock-clock";

/**
 * Options of {@link withVirtualTime}: the clock's (`autojump`, default `true`; `start`)
 * and the run's (`handleSignals`, default `false`; `instruments`, `traceSpawns`,
 * `recordSites`, `signal`, `turnBudget`), except `clock`.
 */
export interface VirtualTimeOptions extends MockClockOptions, Omit<RunOptions, "clock"> {}

/**
 * Wraps a test body so that it runs as a giambio run on a fresh `MockClock` that jumps
 * ahead whenever every task is blocked: a test of an hour of timeouts or backoff runs in
 * milliseconds, and never depends on real timing. The returned function takes no
 * arguments, so every runner calls it as a plain async test:
 * `it("retries", withVirtualTime(async () => { ... }))` in jest, vitest or `node:test`.
 *
 * The body gets the clock, to read it or to `jump` it by hand. The run does not handle
 * SIGINT unless `handleSignals: true` is passed (a test runner has its own).
 *
 * Cancellation: the run is a run like any other; the test's promise settles once every
 * task of it has finished, with the body's error (or a `MultiError`) if it failed.
 *
 * @param fn - the test body, called with the `MockClock`
 * @param options - `autojump` (default `true`), `start`, and run options but `clock`
 * @returns a function that runs `fn` afresh each time it is called
 * @throws `TypeError` at the call when `fn` is not a function or `options` not an object
 * @example
 * ```ts
 * import * as giambio from "giambio";
 * import { withVirtualTime } from "giambio/testing";
 *
 * const test = withVirtualTime(async () => {
 *   const start = giambio.clock();
 *   await giambio.sleep(3600);
 *   console.log(`an hour passed: ${giambio.clock() - start === 3600}`);
 * });
 * await test(); // in jest: it("waits an hour", test)
 * ```
 *
 * ```text
 * an hour passed: true
 * ```
 */
export function withVirtualTime(
  fn: (clock: MockClock) => unknown,
  options?: VirtualTimeOptions,
): () => Promise<void> {
  checkFunction(fn, "fn");
  checkOptions(options, "options");
  const { autojump = true, start, handleSignals = false, ...runOptions } = options ?? {};
  const clockOptions: MockClockOptions = { autojump };
  if (start !== undefined) clockOptions.start = start;
  // Checked now, at the call, rather than when the test runs.
  new MockClock(clockOptions);
  return async () => {
    const clock = new MockClock(clockOptions);
    await runWith({ ...runOptions, handleSignals, clock }, fn, clock);
  };
}
