/**
 * `runProcess`: runs a program to completion, as a function call.
 *
 * The shape is trio's `run_process`: the child starts, and in a nursery one task feeds
 * `input` to its stdin, one collects each captured output, and the caller's own code waits
 * for the exit, delivering the cancellation if that wait is cancelled
 * (`cancel-delivery.ts`). A failure of any of them cancels the others, so the child is
 * always stopped and reaped before the call settles.
 *
 * @module
 */
import { checkBoolean, checkFunction, compound, currentFrame, describe, type Frame } from "../core";
import {
  BrokenResourceError,
  ClosedResourceError,
  ProcessError,
  isCancelled,
  type ProcessResult,
} from "../errors";
import type { ReceiveStream, SendStream } from "../io/stream";
import { withNursery } from "../nursery";
import { checkpoint } from "../sleep";
import { waitDeliveringCancel, type DeliverCancel } from "./cancel-delivery";
import { makeProcess } from "./process";
import {
  checkCommand,
  checkCommon,
  spawnChild,
  type ProcessOptions,
  type SpawnSpec,
} from "./spawn-child";

/**
 * Options of {@link runProcess}.
 *
 * @example
 * ```ts realtime
 * await giambio.run(async () => {
 *   const options = { input: "a\nb\n", captureStdout: true, check: false };
 *   const { stdout, exitCode } = await giambio.runProcess(["wc", "-l"], options);
 *   console.log(stdout?.toString().trim(), exitCode);
 * });
 * ```
 *
 * ```text
 * 2 0
 * ```
 */
export interface RunProcessOptions extends ProcessOptions {
  /**
   * Run `command`, a string, through `/bin/sh -c` instead of starting an argv array.
   * @default false
   */
  shell?: boolean;
  /** The child's working directory. @default the current one */
  cwd?: string | URL;
  /**
   * The child's whole environment (it replaces this process's; spread `process.env` to
   * extend it).
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
  /**
   * What the child reads on stdin (a string is sent as UTF-8), followed by end of file.
   * @default nothing: the child's stdin is /dev/null
   */
  input?: string | Uint8Array;
  /** Collect the child's stdout into `result.stdout`. @default false: it writes to ours */
  captureStdout?: boolean;
  /** Collect the child's stderr into `result.stderr`. @default false: it writes to ours */
  captureStderr?: boolean;
  /**
   * Throw a {@link ProcessError} when the child exits with a non-zero status or is ended
   * by a signal.
   * @default true
   */
  check?: boolean;
  /**
   * How a cancelled call stops the child: called once, in a task of its own inside a
   * shielded scope; the call still waits for the child to exit afterwards.
   * @default SIGTERM to the child's process group, then SIGKILL to it 5 seconds later (on
   *   the run's clock) if the child has not exited
   */
  deliverCancel?: DeliverCancel;
}

interface RunSpec {
  readonly spawn: SpawnSpec;
  readonly input: Uint8Array | undefined;
  readonly check: boolean;
  readonly deliverCancel: DeliverCancel | null;
}

/**
 * Runs `command` to completion and returns what it left. The child runs in its own
 * process group, with its stdout and stderr going to ours unless captured.
 *
 * Cancellation: a checkpoint (in an already cancelled scope the program never starts).
 * When the call is cancelled, the child's process group gets SIGTERM, and SIGKILL if the
 * child has not exited 5 seconds later on the run's clock (`deliverCancel` replaces
 * that); the call throws `Cancelled` only once the child has exited and been reaped, so
 * no process outlives the scope. Ctrl-C reaches every child this way.
 *
 * @param command - an argv array (`["git", "pull"]`, no shell), or with `shell: true` a
 *   command line for `/bin/sh -c`
 * @param options - see {@link RunProcessOptions}
 * @returns `{ command, exitCode, signal, stdout, stderr }`, the outputs as `Buffer`s when
 *   captured and `null` otherwise
 * @throws a `TypeError` for a bad argument (at the call); an `Error` naming the program
 *   (with `code` `"ENOENT"` or `"EACCES"`) when it cannot be started; a
 *   {@link ProcessError} when it fails and `check` is on; `Cancelled` when cancelled
 * @example
 * ```ts realtime
 * await giambio.run(async () => {
 *   const { stdout } = await giambio.runProcess(["echo", "hello"], { captureStdout: true });
 *   console.log(stdout!.toString().trim());
 * });
 * ```
 *
 * ```text
 * hello
 * ```
 */
export function runProcess(
  command: readonly string[],
  options?: RunProcessOptions & { shell?: false },
): Promise<ProcessResult>;
/** The same, for a command line run by `/bin/sh -c` (`shell: true`). */
export function runProcess(
  command: string,
  options: RunProcessOptions & { shell: true },
): Promise<ProcessResult>;
export function runProcess(
  command: readonly string[] | string,
  options?: RunProcessOptions,
): Promise<ProcessResult> {
  const common = checkCommon(options);
  const checked = checkCommand(command, common.shell);
  const input = options?.input;
  if (input !== undefined && typeof input !== "string" && !(input instanceof Uint8Array)) {
    throw new TypeError(
      `Expected \`options.input\` to be a string, a Uint8Array or a Buffer, got ${describe(input)}`,
    );
  }
  const captureStdout = options?.captureStdout ?? false;
  const captureStderr = options?.captureStderr ?? false;
  const check = options?.check ?? true;
  checkBoolean(captureStdout, "options.captureStdout");
  checkBoolean(captureStderr, "options.captureStderr");
  checkBoolean(check, "options.check");
  const deliver = options?.deliverCancel;
  if (deliver !== undefined) checkFunction(deliver, "options.deliverCancel");
  const spec: RunSpec = {
    spawn: {
      command: checked,
      ...common,
      stdio: [
        input !== undefined ? "pipe" : "ignore",
        captureStdout ? "pipe" : "inherit",
        captureStderr ? "pipe" : "inherit",
      ],
    },
    input: typeof input === "string" ? Buffer.from(input, "utf8") : input,
    check,
    deliverCancel: deliver ?? null,
  };
  return compound("runProcess", currentFrame("runProcess"), runToCompletion, spec, undefined);
}

async function runToCompletion(_frame: Frame, spec: RunSpec): Promise<ProcessResult> {
  await checkpoint();
  const proc = makeProcess(spawnChild(spec.spawn), spec.spawn.command, spec.deliverCancel);
  const stdout: Uint8Array[] = [];
  const stderr: Uint8Array[] = [];
  try {
    await withNursery(async (nursery) => {
      if (proc.stdin !== null) nursery.spawn(feed, proc.stdin, spec.input as Uint8Array);
      if (proc.stdout !== null) nursery.spawn(collect, proc.stdout, stdout);
      if (proc.stderr !== null) nursery.spawn(collect, proc.stderr, stderr);
      await waitDeliveringCancel(proc, spec.deliverCancel);
    });
  } catch (err) {
    // Cancelled after the child exited, while its outputs were still open: whatever of its
    // group holds them open is stopped too.
    if (isCancelled(err) && spec.deliverCancel === null) proc._killStragglers();
    throw err;
  } finally {
    await proc._releasePipes();
    proc._untrack();
  }
  const result: ProcessResult = {
    command: spec.spawn.command,
    exitCode: proc.exitCode,
    signal: proc.signalCode,
    stdout: proc.stdout !== null ? Buffer.concat(stdout) : null,
    stderr: proc.stderr !== null ? Buffer.concat(stderr) : null,
  };
  if (spec.check && result.exitCode !== 0) throw new ProcessError(result);
  return result;
}

/**
 * Sends `input` and then end of file. A child that exits or closes its stdin without
 * reading it all is no failure (Node closes the pipe when the child exits, hence the
 * `ClosedResourceError`: the pipes are closed by us only after this task has ended).
 */
async function feed(stdin: SendStream, input: Uint8Array): Promise<void> {
  try {
    await stdin.sendAll(input);
    await stdin.sendEof();
  } catch (err) {
    if (!(err instanceof BrokenResourceError) && !(err instanceof ClosedResourceError)) throw err;
  }
}

async function collect(stream: ReceiveStream, into: Uint8Array[]): Promise<void> {
  for (let chunk = await stream.receive(); chunk.length > 0; chunk = await stream.receive()) {
    into.push(chunk);
  }
}
