/**
 * `Process`: a running child process, as `openProcess` returns it.
 *
 * How it ends: the child is its own process group leader (spawned `detached`), so a
 * signal to the group (`process.kill(-pid, signal)`) reaches the programs it started too.
 * Node reaps the child (`waitpid`) before it emits `exit`; that event records the exit
 * code or signal and wakes every `wait()`. Disposal closes the pipes, then waits; when
 * that wait is cancelled it delivers the cancellation (`cancel-delivery.ts`) and still
 * waits until the child is gone.
 *
 * The pipes are Node sockets; each is wrapped as an `AsyncSocket` (socket.ts), so they
 * have the stream interface, backpressure and cancel safety of §9 for free. The run tracks
 * the process as a whole (not each pipe): one still running when the run ends is killed,
 * with a warning naming it.
 *
 * @module
 */
import type { ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as os from "node:os";
import type { Readable, Writable } from "node:stream";
import {
  ParkingLot,
  compound,
  currentFrame,
  describe,
  operation,
  trackResource,
  type Frame,
  type Operation,
  type TrackedResource,
} from "../core";
import { describeCommand, isCancelled } from "../errors";
import { wrapPipe, type AsyncSocket } from "../io/socket";
import type { ReceiveStream, SendStream } from "../io/stream";
import { waitDeliveringCancel, type DeliverCancel } from "./cancel-delivery";

/** Guards the constructor: a `Process` is made by `openProcess` (or `runProcess`) only. */
const MAKING = Symbol("giambio.Process");

/**
 * A child process started by {@link openProcess}: its pipes as streams, its exit status,
 * `wait()`, `kill()`, and `await using` disposal, which makes sure it is gone before the
 * block ends.
 *
 * Cancellation: `wait()` is a checkpoint, and a cancelled `wait()` leaves the child
 * running. Disposal is what stops it: it closes the pipes and waits for the child to
 * exit; if that wait is cancelled, it delivers the cancellation (by default SIGTERM to the
 * child's process group, then SIGKILL 5 seconds later on the run's clock; see
 * `deliverCancel`) and waits until the child has exited and been reaped, so the block's
 * `Cancelled` goes on only once the child is gone.
 *
 * @example
 * ```ts realtime
 * await giambio.run(async () => {
 *   await using proc = giambio.openProcess(["sort"]);
 *   await proc.stdin!.sendAll(Buffer.from("b\na\n"));
 *   await proc.stdin!.sendEof();
 *   console.log(Buffer.from(await proc.stdout!.receive()).toString());
 *   console.log(await proc.wait());
 * });
 * ```
 *
 * ```text
 * a
 * b
 *
 * 0
 * ```
 */
export class Process {
  /** The child's process id (also its process group id). */
  readonly pid: number;
  /** The command as it was given: an argv array, or the string run by the shell. */
  readonly command: readonly string[] | string;
  /** The child's standard input, when piped (the `stdin` option); else `null`. */
  readonly stdin: SendStream | null;
  /** The child's standard output, when piped (the `stdout` option); else `null`. */
  readonly stdout: ReceiveStream | null;
  /** The child's standard error, when piped (the `stderr` option); else `null`. */
  readonly stderr: ReceiveStream | null;
  /** @internal */
  private readonly _child: ChildProcess;
  /** @internal */
  private _exited = false;
  /** @internal */
  private _exitCode: number | null = null;
  /** @internal */
  private _signalCode: NodeJS.Signals | null = null;
  /** @internal Every parked `wait()`. */
  private readonly _exitLot = new ParkingLot();
  /** @internal The pipes, to close them on disposal. */
  private readonly _pipes: AsyncSocket[] = [];
  /** @internal How a cancelled disposal stops the child (`null`: the default). */
  readonly _deliverCancel: DeliverCancel | null;
  /** @internal Its registration with the run it was started in. */
  private readonly _tracked: TrackedResource | null;

  /** @internal Use {@link openProcess}. */
  constructor(
    making: typeof MAKING,
    child: ChildProcess,
    command: readonly string[] | string,
    deliverCancel: DeliverCancel | null,
  ) {
    if (making !== MAKING) {
      throw new TypeError(
        `Process objects are made by openProcess(); do not construct them (got ${describe(making)})`,
      );
    }
    this._child = child;
    this.pid = child.pid as number;
    this.command = command;
    this._deliverCancel = deliverCancel;
    this.stdin = this._pipe(child.stdin, "stdin");
    this.stdout = this._pipe(child.stdout, "stdout");
    this.stderr = this._pipe(child.stderr, "stderr");
    // Node emits `error` when a signal cannot be sent; `kill()` reports that itself.
    child.on("error", () => {});
    child.once("exit", (code, signal) => this._onExit(code, signal));
    this._tracked = trackResource({
      close: () => this._abandon(),
      describeResource: () => this._describe(),
      isResourceOpen: () => !this._exited || this._pipes.some((p) => p.isResourceOpen()),
    });
  }

  /** The exit status once the child has exited; `null` while it runs or when a signal ended it. */
  get exitCode(): number | null {
    return this._exitCode;
  }

  /** The signal that ended the child (`"SIGTERM"`); `null` while it runs or when it exited. */
  get signalCode(): NodeJS.Signals | null {
    return this._signalCode;
  }

  /**
   * Waits until the child has exited (and been reaped).
   *
   * Cancellation: a checkpoint. A cancelled `wait()` leaves the child running; dispose of
   * the process (or use `runProcess`) to stop it on cancellation.
   *
   * @returns the exit status, or `null` when a signal ended the child (see `signalCode`)
   * @throws `Cancelled` when cancelled
   * @example
   * ```ts realtime
   * await giambio.run(async () => {
   *   await using proc = giambio.openProcess(["sh", "-c", "exit 3"]);
   *   console.log(await proc.wait());
   * });
   * ```
   *
   * ```text
   * 3
   * ```
   */
  wait(): Promise<number | null> {
    return operation("Process.wait", currentFrame("Process.wait"), waitForExit, this, true);
  }

  /**
   * Sends `signal` to the child (only the child: to reach its whole process group, use
   * `process.kill(-proc.pid, signal)` while it runs). Does nothing once it has exited.
   * Not a checkpoint, and it does not wait: `wait()` for the child to end.
   *
   * Cancellation: not a checkpoint, so never cancelled.
   *
   * @param signal - a signal name such as `"SIGINT"`, or its number
   * @returns whether the signal was sent
   * @throws a `TypeError` for an unknown signal
   * @example
   * ```ts realtime
   * await giambio.run(async () => {
   *   await using proc = giambio.openProcess(["sleep", "10"]);
   *   proc.kill("SIGINT");
   *   console.log(await proc.wait(), proc.signalCode);
   * });
   * ```
   *
   * ```text
   * null SIGINT
   * ```
   */
  kill(signal: NodeJS.Signals | number = "SIGTERM"): boolean {
    const known = os.constants.signals as Record<string, number>;
    if (
      !(typeof signal === "string" && Object.hasOwn(known, signal)) &&
      !(typeof signal === "number" && Object.values(known).includes(signal))
    ) {
      throw new TypeError(
        `Expected \`signal\` to be a signal name such as "SIGTERM" or a signal number, got ${describe(signal)}`,
      );
    }
    if (this._exited) return false;
    return this._child.kill(signal);
  }

  /**
   * Closes the pipes and waits for the child to exit; if that wait is cancelled, delivers
   * the cancellation (see the class) and waits until the child is gone. What `await using`
   * calls.
   *
   * Cancellation: a checkpoint; whatever happens, the child has exited and been reaped
   * when it settles. It does not throw the `Cancelled` itself: the block is already leaving
   * with it, or (cancellation being level-triggered) the next checkpoint throws it.
   *
   * @throws the error of a `deliverCancel` that failed
   */
  [Symbol.asyncDispose](): Promise<void> {
    const frame = currentFrame("Process[Symbol.asyncDispose]");
    return compound("Process[Symbol.asyncDispose]", frame, disposeProcess, this, undefined);
  }

  /** @internal How a warning names it: `process 42 (`sleep 10`)`. */
  _describe(): string {
    return `process ${this.pid} (\`${describeCommand(this.command)}\`)`;
  }

  /** @internal Waits for the exit without a cancellation point (after cancel was delivered). */
  _waitUncancellably(): Promise<number | null> {
    return operation("Process.wait", currentFrame("Process.wait"), waitForExit, this, false);
  }

  /**
   * @internal Sends `signal` to the child's whole process group while the child runs (once
   * it has been reaped, its pid may be reused). Falls back to the child alone when the
   * group cannot be signalled (a member changed its user).
   */
  _signalGroup(signal: NodeJS.Signals): void {
    if (this._exited) return;
    try {
      process.kill(-this.pid, signal);
    } catch (err) {
      if ((err as { code?: unknown }).code !== "ESRCH") this._child.kill(signal);
    }
  }

  /**
   * @internal SIGKILL to what is left of the group once the child itself is gone: its own
   * children, which nobody would stop otherwise. Only on the way out of a cancellation.
   */
  _killStragglers(): void {
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch {
      // ESRCH: the group is empty, as it should be.
    }
  }

  /** @internal Closes every pipe at once (blocked calls get `ClosedResourceError`). */
  _closePipes(): void {
    for (const pipe of this._pipes) pipe.close();
  }

  /** @internal Closes every pipe and waits until Node has released them. */
  async _releasePipes(): Promise<void> {
    await Promise.all(this._pipes.map((pipe) => pipe[Symbol.asyncDispose]()));
  }

  /** @internal Done with: the run need not close it. */
  _untrack(): void {
    this._tracked?.untrack();
  }

  /** @internal Wraps one of the child's pipes (Node makes each a `net.Socket`) as a stream. */
  private _pipe(stream: Readable | Writable | null, what: string): AsyncSocket | null {
    if (stream === null) return null;
    if (!(stream instanceof net.Socket)) throw new TypeError(`The child's ${what} is not a pipe`);
    const pipe = wrapPipe(stream, `the ${what} of ${this._describe()}`);
    this._pipes.push(pipe);
    return pipe;
  }

  /** @internal The child has exited and Node has reaped it. */
  private _onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this._exited = true;
    this._exitCode = code;
    this._signalCode = signal;
    for (let w = this._exitLot.shift(); w !== null; w = this._exitLot.shift()) w.wake(code);
  }

  /** @internal The body of `wait()`. */
  _parkForExit(op: Operation<number | null>, cancellable: boolean): void {
    if (cancellable && op.failIfCancelled()) return;
    if (this._exited) op.now(this._exitCode);
    else this._exitLot.park(op, undefined, cancellable);
  }

  /** @internal Its run ended with the child still running: kill the group, close the pipes. */
  private _abandon(): void {
    this._signalGroup("SIGKILL");
    this._closePipes();
  }
}

function waitForExit(op: Operation<number | null>, proc: Process, cancellable: boolean): void {
  proc._parkForExit(op, cancellable);
}

async function disposeProcess(_frame: Frame, proc: Process): Promise<void> {
  proc._closePipes();
  try {
    await waitDeliveringCancel(proc, proc._deliverCancel);
  } catch (err) {
    // The child is gone. The `Cancelled` is not thrown from here: the block is leaving with
    // it already (a second one would come out as a SuppressedError), or, cancellation being
    // level-triggered, the next checkpoint after the block throws it.
    if (!isCancelled(err)) throw err;
  } finally {
    await proc._releasePipes();
    proc._untrack();
  }
}

/** @internal Wraps a started child as a `Process` (see `openProcess` and `runProcess`). */
export function makeProcess(
  child: ChildProcess,
  command: readonly string[] | string,
  deliverCancel: DeliverCancel | null,
): Process {
  return new Process(MAKING, child, command, deliverCancel);
}
