/**
 * `openProcess`: starts a child process and hands it back while it runs.
 *
 * @module
 */
import { checkFunction, currentFrame } from "../core";
import type { DeliverCancel } from "./cancel-delivery";
import { makeProcess, type Process } from "./process";
import {
  checkCommand,
  checkCommon,
  checkStdio,
  spawnChild,
  type ProcessOptions,
  type StdioMode,
} from "./spawn-child";

export type { StdioMode } from "./spawn-child";

/**
 * Options of {@link openProcess}.
 *
 * @example
 * ```ts
 * await using proc = giambio.openProcess(["make"], {
 *   cwd: "/src",
 *   stdin: "ignore",
 *   stderr: "inherit",
 * });
 * await proc.wait();
 * ```
 */
export interface OpenProcessOptions extends ProcessOptions {
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
  /** How the child's stdin is connected: a pipe (`proc.stdin`), ours, or /dev/null. @default "pipe" */
  stdin?: StdioMode;
  /** How the child's stdout is connected: a pipe (`proc.stdout`), ours, or /dev/null. @default "pipe" */
  stdout?: StdioMode;
  /** How the child's stderr is connected: a pipe (`proc.stderr`), ours, or /dev/null. @default "pipe" */
  stderr?: StdioMode;
  /**
   * How disposal stops the child when it is cancelled: called once, in a task of its own
   * inside a shielded scope; the disposal still waits for the child to exit afterwards.
   * @default SIGTERM to the child's process group, then SIGKILL to it 5 seconds later (on
   *   the run's clock) if the child has not exited
   */
  deliverCancel?: DeliverCancel;
}

/**
 * Starts `command` as a child process and returns it at once, with its pipes as streams;
 * use `await using` so that it is gone when the block ends. The child runs in its own
 * process group, so cancellation reaches the programs it starts too.
 *
 * Cancellation: not a checkpoint (it does not wait). The returned process's disposal is
 * where cancellation is delivered: see {@link Process}.
 *
 * @param command - an argv array (`["grep", "-n", pattern]`, no shell), or with
 *   `shell: true` a command line for `/bin/sh -c`
 * @param options - see {@link OpenProcessOptions}
 * @returns the running process
 * @throws a `TypeError` for a bad argument; an `Error` naming the program (with `code`
 *   `"ENOENT"` or `"EACCES"`) when it cannot be started
 * @example
 * ```ts realtime
 * await giambio.run(async () => {
 *   await using proc = giambio.openProcess(["cat"]);
 *   await proc.stdin!.sendAll(Buffer.from("ping"));
 *   console.log(Buffer.from(await proc.stdout!.receive()).toString());
 * });
 * ```
 *
 * ```text
 * ping
 * ```
 */
export function openProcess(
  command: readonly string[],
  options?: OpenProcessOptions & { shell?: false },
): Process;
/** The same, for a command line run by `/bin/sh -c` (`shell: true`). */
export function openProcess(
  command: string,
  options: OpenProcessOptions & { shell: true },
): Process;
export function openProcess(
  command: readonly string[] | string,
  options?: OpenProcessOptions,
): Process {
  const common = checkCommon(options);
  const checked = checkCommand(command, common.shell);
  const stdio = [
    checkStdio(options?.stdin, "options.stdin"),
    checkStdio(options?.stdout, "options.stdout"),
    checkStdio(options?.stderr, "options.stderr"),
  ] as const;
  const deliver = options?.deliverCancel;
  if (deliver !== undefined) checkFunction(deliver, "options.deliverCancel");
  currentFrame("openProcess");
  const child = spawnChild({ command: checked, ...common, stdio });
  return makeProcess(child, checked, deliver ?? null);
}
