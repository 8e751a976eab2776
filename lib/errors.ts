/**
 * Every error class giambio throws. Each sets `name` to its class name, says when it is
 * thrown and what to do about it.
 *
 * @module
 */
import { inspect, type InspectOptionsStylized } from "node:util";
import { checkInteger, describe } from "./validate";

function checkMessage(message: unknown, name = "message"): void {
  if (typeof message !== "string") {
    throw new TypeError(`Expected \`${name}\` to be a string, got ${describe(message)}`);
  }
}

/**
 * Thrown into a task at a checkpoint when a cancel scope around it has been cancelled.
 *
 * A `Cancelled` is absorbed by the scope that was cancelled (`withCancelScope`,
 * `moveOnAfter`, a nursery, a task's own `cancel()`), and by nothing else. Code that
 * catches every error must rethrow it:
 *
 * @example
 * ```ts
 * try {
 *   await giambio.sleep(10);
 * } catch (err) {
 *   if (giambio.isCancelled(err)) throw err; // never swallow a cancellation
 *   console.error(err);
 * }
 * ```
 */
export class Cancelled extends Error {
  /** The reason given to `cancel(reason)`, if any. */
  readonly reason: unknown;

  /** @internal Built by the runtime; user code has no need to construct one. */
  constructor(reason?: unknown) {
    super(reason === undefined ? "cancelled" : `cancelled: ${describeReason(reason)}`);
    this.name = "Cancelled";
    this.reason = reason;
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  if (typeof reason === "string") return reason;
  return inspect(reason, { depth: 1, breakLength: Infinity });
}

/**
 * Builds a `Cancelled` without capturing a stack trace. The stack would only ever show the
 * scheduler (the code that delivers it), and capturing one costs more than the rest of a
 * cancellation: without this, cancelling 10,000 parked tasks spends most of its time here.
 *
 * @internal
 */
export function newCancelled(reason?: unknown): Cancelled {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Cancelled(reason);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Tells a cancellation apart from a failure: true for a {@link Cancelled}, and for the
 * `AbortError` a Node API (`timers/promises`, `fs.promises`, `events.once`) rejects with
 * when the giambio signal it was given is aborted (its `cause` is the `Cancelled`).
 *
 * @param err - any caught value
 * @returns whether `err` is a giambio cancellation
 * @example
 * ```ts
 * try {
 *   await doWork();
 * } catch (err) {
 *   if (giambio.isCancelled(err)) throw err; // never swallow a cancellation
 *   console.error(err);
 * }
 * ```
 */
export function isCancelled(err: unknown): boolean {
  if (err instanceof Cancelled) return true;
  // Structural, not `instanceof Error`: Node's internals build the AbortError, possibly in
  // another realm (a vm context, jest's sandbox).
  return (
    typeof err === "object" &&
    err !== null &&
    (err as { name?: unknown }).name === "AbortError" &&
    (err as { cause?: unknown }).cause instanceof Cancelled
  );
}

/**
 * Thrown by `failAfter` and `failAt` when their deadline passed before the function
 * finished.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   try {
 *     await giambio.failAfter(1, () => giambio.sleep(5));
 *   } catch (err) {
 *     if (!(err instanceof giambio.TooSlowError)) throw err;
 *     console.log(String(err));
 *   }
 * });
 * ```
 *
 * ```text
 * TooSlowError: failAfter(1) expired: the operation did not finish within 1 seconds
 * ```
 */
export class TooSlowError extends Error {
  constructor(message = "The operation did not finish before its deadline") {
    checkMessage(message);
    super(message);
    this.name = "TooSlowError";
  }
}

/**
 * Thrown by a nursery (or a task, whose body is a nursery) when more than one of its tasks
 * failed. `errors` holds every failure in the order they happened; cancellations caused by
 * the nursery itself never appear in it. When exactly one task failed, the nursery throws
 * that error itself, not a `MultiError`.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   try {
 *     await giambio.withNursery(async (nursery) => {
 *       nursery.spawn(async () => {
 *         throw new TypeError("bad input");
 *       });
 *       nursery.spawn(async () => {
 *         throw new RangeError("too big");
 *       });
 *     });
 *   } catch (err) {
 *     if (!(err instanceof giambio.MultiError)) throw err;
 *     console.log(err.message);
 *     for (const e of err.errors) console.log(String(e));
 *   }
 * });
 * ```
 *
 * ```text
 * 2 tasks failed: TypeError: bad input; RangeError: too big
 * TypeError: bad input
 * RangeError: too big
 * ```
 */
export class MultiError extends AggregateError {
  /** The failures, in the order they happened. */
  declare readonly errors: unknown[];

  constructor(errors: readonly unknown[], message?: string) {
    if (
      typeof errors !== "object" ||
      errors === null ||
      typeof (errors as Partial<Iterable<unknown>>)[Symbol.iterator] !== "function"
    ) {
      throw new TypeError(`Expected \`errors\` to be an array of errors, got ${describe(errors)}`);
    }
    if (message !== undefined) checkMessage(message);
    const list = Array.isArray(errors) ? errors : [...(errors as Iterable<unknown>)];
    super(list, message ?? `${list.length} tasks failed: ${summarize(list)}`);
    this.name = "MultiError";
  }

  /**
   * How `console.log` and `util.inspect` show it: the message and stack, then each kind of
   * failure once, errors with the same name and message grouped (`× 50`) with one stack.
   */
  [inspect.custom](depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    const head = this.stack ?? `${this.name}: ${this.message}`;
    if (depth < 0) return `[${this.name}: ${this.message}]`;
    const nested = { ...options, depth: options.depth == null ? null : options.depth - 1 };
    const lines = [head];
    for (const { first, count } of groupErrors(this.errors)) {
      const shown = show(first, nested).split("\n");
      lines.push(`  ${count > 1 ? `× ${count}  ` : ""}${shown[0]}`);
      for (const line of shown.slice(1)) lines.push(`  ${count > 1 ? "    " : ""}${line}`);
    }
    if (this.cause !== undefined) lines.push(`  [cause]: ${show(this.cause, nested)}`);
    return lines.join("\n");
  }
}

/** Failures with the same name and message, in the order each first happened. */
function groupErrors(
  errors: readonly unknown[],
): { first: unknown; label: string; count: number }[] {
  const groups = new Map<unknown, { first: unknown; label: string; count: number }>();
  for (const e of errors) {
    const label = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    // A group of groups is never folded into another: its members may differ.
    const key = e instanceof Error && !(e instanceof AggregateError) ? label : e;
    const group = groups.get(key);
    if (group !== undefined) group.count++;
    else groups.set(key, { first: e, label, count: 1 });
  }
  return [...groups.values()];
}

function summarize(errors: readonly unknown[]): string {
  return groupErrors(errors)
    .map(({ label, count }) => (count > 1 ? `${label} (× ${count})` : label))
    .join("; ");
}

/**
 * Thrown by the block form of a nursery (`await using nursery = openNursery()`) when the
 * block was left while children were still running and `nursery.join()` had not been
 * awaited. The children were cancelled and awaited before it was thrown; `cancelled` says
 * how many. Add `await nursery.join()` at the end of the block's happy path.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   try {
 *     await using nursery = giambio.openNursery();
 *     nursery.spawn(giambio.sleepForever);
 *   } catch (err) {
 *     console.log(String(err));
 *   }
 * });
 * ```
 *
 * ```text
 * NurseryError: The nursery block was left while 1 child was still running and `await nursery.join()` had not been awaited; it was cancelled. End the block's happy path with `await nursery.join()`.
 * ```
 */
export class NurseryError extends Error {
  /** How many children were still running and had to be cancelled. */
  readonly cancelled: number;

  constructor(message: string, cancelled = 0) {
    checkMessage(message);
    checkInteger(cancelled, "cancelled", 0);
    super(message);
    this.name = "NurseryError";
    this.cancelled = cancelled;
  }
}

/**
 * Rejects `task.join()` when the task ended cancelled (by its own `cancel()` or by its
 * nursery's cancellation). It is deliberately not a `Cancelled`: that would tell the code
 * that called `join()` that it was itself cancelled.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const task = giambio.spawn(giambio.sleepForever);
 *   task.cancel();
 *   await task.join().catch((err: unknown) => console.log(String(err)));
 * });
 * ```
 *
 * ```text
 * TaskCancelledError: Task "sleepForever" was cancelled
 * ```
 */
export class TaskCancelledError extends Error {
  /** The name of the task that was cancelled. */
  readonly taskName: string;

  constructor(taskName: string) {
    checkMessage(taskName, "taskName");
    super(`Task ${JSON.stringify(taskName)} was cancelled`);
    this.name = "TaskCancelledError";
    this.taskName = taskName;
  }
}

/**
 * Rejects `run()` when the process received SIGINT (Ctrl-C) during the run: every task was
 * cancelled and has run its `finally` blocks before it is thrown.
 *
 * @example
 * ```ts fragment
 * async function main(): Promise<void> {
 *   await giambio.sleepForever(); // until Ctrl-C
 * }
 *
 * try {
 *   await giambio.run(main);
 * } catch (err) {
 *   if (!(err instanceof giambio.KeyboardInterrupt)) throw err;
 *   // Every task was cancelled and has run its `finally` blocks.
 *   console.log("bye");
 * }
 * ```
 */
export class KeyboardInterrupt extends Error {
  /** How many SIGINTs the run received (a second one also cancels shielded cleanup). */
  readonly signals: number;

  constructor(message = "Interrupted by SIGINT", signals = 1) {
    checkMessage(message);
    checkInteger(signals, "signals", 1);
    super(message);
    this.name = "KeyboardInterrupt";
    this.signals = signals;
  }
}

/**
 * Thrown by `receive()` on a channel whose every sending end has been closed, once its
 * buffer is empty: the normal end of a stream. `for await` over a receiving end stops on
 * it by itself.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const [send, receive] = giambio.openMemoryChannel<string>(1);
 *   await send.send("last");
 *   send.close();
 *   console.log(await receive.receive());
 *   try {
 *     await receive.receive();
 *   } catch (err) {
 *     if (!(err instanceof giambio.EndOfChannel)) throw err; // every sender is done
 *     console.log(String(err));
 *   }
 * });
 * ```
 *
 * ```text
 * last
 * EndOfChannel: The channel was closed by every sender and its buffer is empty
 * ```
 */
export class EndOfChannel extends Error {
  constructor(message = "The channel was closed by every sender and its buffer is empty") {
    checkMessage(message);
    super(message);
    this.name = "EndOfChannel";
  }
}

/**
 * Thrown when you use a resource (a channel end, a stream) that you have closed yourself,
 * and into a task blocked on it when it is closed. Do not use a resource after closing it.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const [send] = giambio.openMemoryChannel<number>(1);
 *   send.close();
 *   try {
 *     send.sendNoWait(1);
 *   } catch (err) {
 *     console.log(String(err));
 *   }
 * });
 * ```
 *
 * ```text
 * ClosedResourceError: This sending end was closed
 * ```
 */
export class ClosedResourceError extends Error {
  constructor(message = "The resource was closed") {
    checkMessage(message);
    super(message);
    this.name = "ClosedResourceError";
  }
}

/**
 * Thrown when a resource was broken by something outside your control: sending on a
 * channel whose every receiver is closed, a peer resetting a connection. The underlying
 * error, if any, is the `cause`.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const [send, receive] = giambio.openMemoryChannel<string>(1);
 *   receive.close(); // the only receiver
 *   try {
 *     await send.send("anyone?");
 *   } catch (err) {
 *     if (!(err instanceof giambio.BrokenResourceError)) throw err;
 *     console.log(String(err));
 *   }
 * });
 * ```
 *
 * ```text
 * BrokenResourceError: Every receiving end of the channel is closed
 * ```
 */
export class BrokenResourceError extends Error {
  constructor(message = "The resource is broken", options?: { cause?: unknown }) {
    checkMessage(message);
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describe(options)}`);
    }
    super(message, options);
    this.name = "BrokenResourceError";
  }
}

/**
 * Thrown when two tasks use a resource at once in a way it does not allow, such as two
 * tasks receiving on one stream at the same time: the operations would interleave.
 *
 * @example
 * ```ts
 * import { memoryStreamPair } from "giambio/testing";
 *
 * await giambio.run(async () => {
 *   const [a, b] = memoryStreamPair();
 *   await giambio.withNursery(async (nursery) => {
 *     nursery.spawn(() => b.receive()); // waits for data
 *     await giambio.sleep(1);
 *     try {
 *       await b.receive(); // while the other receive waits
 *     } catch (err) {
 *       console.log(String(err));
 *     }
 *     await a.sendAll(Buffer.from("hi")); // for the first receive
 *   });
 * });
 * ```
 *
 * ```text
 * BusyResourceError: Another task is already receiving on this stream
 * ```
 */
export class BusyResourceError extends Error {
  constructor(message = "Another task is already using this resource") {
    checkMessage(message);
    super(message);
    this.name = "BusyResourceError";
  }
}

/**
 * Thrown by the `*NoWait` variants (`acquireNoWait`, `sendNoWait`, `receiveNoWait`) when
 * the operation would have to wait. Use the blocking variant, or try again later.
 *
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const lock = new giambio.Lock();
 *   giambio.spawn(async () => {
 *     await using _ = await lock.hold();
 *     await giambio.sleep(1);
 *   });
 *   await giambio.sleep(0.5);
 *   try {
 *     lock.acquireNoWait();
 *   } catch (err) {
 *     if (!(err instanceof giambio.WouldBlock)) throw err;
 *     console.log(`${String(err)}: waiting`);
 *     await lock.acquire();
 *   }
 *   console.log(`got the lock at ${giambio.clock()} s`);
 *   lock.release();
 * });
 * ```
 *
 * ```text
 * WouldBlock: The lock is held: waiting
 * got the lock at 1 s
 * ```
 */
export class WouldBlock extends Error {
  constructor(message = "The operation would block") {
    checkMessage(message);
    super(message);
    this.name = "WouldBlock";
  }
}

/**
 * Thrown by `runInWorker` when the worker thread running the call died before it answered:
 * its code called `process.exit()`, it ran out of the memory its `resourceLimits` allow
 * (the `cause` is Node's `ERR_WORKER_OUT_OF_MEMORY` error), or an error escaped from a
 * callback of its own (a timer, an event). The pool replaces the worker; the call did not
 * finish, so whatever it had done is lost. An error the called function throws is not
 * this: it reaches the caller as itself.
 *
 * @param message - what happened
 * @param options - `cause`: the worker's own error, if it reported one
 * @example
 * ```ts
 * try {
 *   await giambio.runInWorker(new URL("./parse.mjs", import.meta.url), "parse", ["1 + 2"]);
 * } catch (err) {
 *   if (!(err instanceof giambio.BrokenWorkerError)) throw err;
 *   console.error("the parser crashed:", err.message);
 * }
 * ```
 */
export class BrokenWorkerError extends Error {
  constructor(message = "The worker thread died", options?: { cause?: unknown }) {
    checkMessage(message);
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describe(options)}`);
    }
    super(message, options);
    this.name = "BrokenWorkerError";
  }
}

/**
 * @internal How a command is shown in a message: an argv array as a shell would read it
 * (`` sh -c 'exit 3' ``), a shell command string as it is.
 */
export function describeCommand(command: readonly string[] | string): string {
  if (typeof command === "string") return command;
  return command
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}

/** The last lines of a child's stderr, for a message: at most 10 lines and 2,000 characters. */
function stderrTail(stderr: Uint8Array): string {
  let text = Buffer.from(stderr.buffer, stderr.byteOffset, stderr.byteLength)
    .toString("utf8")
    .trimEnd();
  let cut = text.length > 2000;
  if (cut) text = text.slice(-2000);
  let lines = text.split("\n");
  if (lines.length > 10) {
    lines = lines.slice(-10);
    cut = true;
  }
  return (cut ? ["  …", ...lines.map((l) => `  ${l}`)] : lines.map((l) => `  ${l}`)).join("\n");
}

/**
 * What a finished child process left: what `runProcess` resolves with, and what a
 * {@link ProcessError} carries.
 */
export interface ProcessResult {
  /** The command as it was given: an argv array, or the string run by the shell. */
  readonly command: readonly string[] | string;
  /** The exit status, or `null` when a signal ended the process. */
  readonly exitCode: number | null;
  /** The signal that ended the process (`"SIGTERM"`), or `null` when it exited. */
  readonly signal: NodeJS.Signals | null;
  /** Everything it wrote to stdout, when captured (`captureStdout`); else `null`. */
  readonly stdout: Buffer | null;
  /** Everything it wrote to stderr, when captured (`captureStderr`); else `null`. */
  readonly stderr: Buffer | null;
}

/**
 * Thrown by `runProcess` (unless `check: false`) when the program exited with a non-zero
 * status or was ended by a signal. It carries what the process left (`command`,
 * `exitCode`, `signal`, and `stdout`, `stderr` when captured), and its message names the
 * command, the status or signal, and ends with the last lines of the captured stderr. A
 * process that giambio itself stopped because the call was cancelled throws `Cancelled`,
 * never a `ProcessError`.
 *
 * @param result - what the process left, as `runProcess` resolves with it
 * @param message - the message (by default built from `result`)
 * @example
 * ```ts realtime
 * await giambio.run(async () => {
 *   try {
 *     await giambio.runProcess(["sh", "-c", "echo no such remote >&2; exit 2"], {
 *       captureStderr: true,
 *     });
 *   } catch (err) {
 *     if (!(err instanceof giambio.ProcessError)) throw err;
 *     console.log(err.exitCode, err.signal);
 *     console.log(err.message);
 *   }
 * });
 * ```
 *
 * ```text
 * 2 null
 * Command `sh -c 'echo no such remote >&2; exit 2'` exited with status 2; the end of its stderr:
 *   no such remote
 * ```
 */
export class ProcessError extends Error implements ProcessResult {
  readonly command: readonly string[] | string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer | null;
  readonly stderr: Buffer | null;

  constructor(result: ProcessResult, message?: string) {
    if (typeof result !== "object" || result === null) {
      throw new TypeError(
        `Expected \`result\` to be an object like { command, exitCode, signal, stdout, stderr }, got ${describe(result)}`,
      );
    }
    const { command, exitCode, signal } = result;
    if (typeof command !== "string" && !Array.isArray(command)) {
      throw new TypeError(
        `Expected \`result.command\` to be an array of strings or a string, got ${describe(command)}`,
      );
    }
    if (message !== undefined) checkMessage(message);
    const shown = `Command \`${describeCommand(command)}\``;
    const ending =
      signal !== null && signal !== undefined
        ? `was killed by ${signal}`
        : `exited with status ${String(exitCode)}`;
    const stderr = result.stderr ?? null;
    const tail =
      stderr !== null && stderr.length > 0 ? `; the end of its stderr:\n${stderrTail(stderr)}` : "";
    super(message ?? `${shown} ${ending}${tail}`);
    this.name = "ProcessError";
    this.command = command;
    this.exitCode = exitCode ?? null;
    this.signal = signal ?? null;
    this.stdout = result.stdout ?? null;
    this.stderr = stderr;
  }
}
