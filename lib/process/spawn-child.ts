/**
 * Starting a child process: the argument checks `runProcess` and `openProcess` share, and
 * the spawn itself, with a clear error when the program cannot be started.
 *
 * Why our own diagnosis of a failed start: Node reports "no such file" (ENOENT) and "not
 * executable" (EACCES) through an `error` event on the next tick, but `openProcess` must
 * throw at the call. Node tells us synchronously that the start failed (`pid` is
 * `undefined`), not why; so we look at the program (a path, or a search of `PATH`) and the
 * working directory ourselves to say which it was, and swallow Node's late event.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import * as childProcess from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { checkBoolean, checkOptions, describe } from "../core";
import { describeCommand } from "../errors";

/** How one of the child's standard streams is connected. */
export type StdioMode = "pipe" | "inherit" | "ignore";

/** @internal The checked options of a spawn. */
export interface SpawnSpec {
  readonly command: readonly string[] | string;
  readonly shell: boolean;
  readonly cwd: string | undefined;
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly stdio: readonly [StdioMode, StdioMode, StdioMode];
}

/** The options both `runProcess` and `openProcess` take. */
export interface ProcessOptions {
  /**
   * Run `command`, a string, through `/bin/sh -c` (with its quoting and expansion rules);
   * without it, `command` is an argv array and no shell is involved.
   * @default false
   */
  shell?: boolean;
  /**
   * The directory the program runs in: a path or a `file:` URL.
   * @default the current directory
   */
  cwd?: string | URL;
  /**
   * The program's whole environment (it replaces this process's, as in Node.js); spread
   * `process.env` into it to add to it instead.
   * @default `process.env`
   */
  env?: NodeJS.ProcessEnv;
}

/** @internal Checks `command` against `shell`: an argv array, or a string for the shell. */
export function checkCommand(command: unknown, shell: boolean): readonly string[] | string {
  if (shell) {
    if (typeof command !== "string" || command === "") {
      throw new TypeError(
        "Expected `command` to be a non-empty string (a shell command line, with " +
          `\`shell: true\`), got ${describe(command)}`,
      );
    }
    checkNoNul(command, "command");
    return command;
  }
  if (!Array.isArray(command) || command.length === 0) {
    const hint =
      typeof command === "string"
        ? '; split it into words (["ls", "-l"]), or pass { shell: true } to run a string through the shell'
        : "";
    throw new TypeError(
      `Expected \`command\` to be a non-empty array of strings, got ${describe(command)}${hint}`,
    );
  }
  command.forEach((word: unknown, i) => {
    if (typeof word !== "string" || (i === 0 && word === "")) {
      throw new TypeError(
        `Expected \`command[${i}]\` to be a${i === 0 ? " non-empty" : ""} string, got ${describe(word)}`,
      );
    }
    checkNoNul(word, `command[${i}]`);
  });
  return [...(command as string[])];
}

function checkNoNul(text: string, name: string): void {
  if (text.includes("\0")) {
    throw new TypeError(`Expected \`${name}\` to contain no NUL character, got ${describe(text)}`);
  }
}

/** @internal Checks `shell`, `cwd` and `env` (see {@link ProcessOptions}). */
export function checkCommon(
  options: ProcessOptions | undefined,
): Pick<SpawnSpec, "shell" | "cwd" | "env"> {
  checkOptions(options, "options");
  const shell = options?.shell ?? false;
  checkBoolean(shell, "options.shell");
  let cwd = options?.cwd;
  if (cwd instanceof URL) cwd = fileURLToPath(cwd);
  if (cwd !== undefined && (typeof cwd !== "string" || cwd === "")) {
    throw new TypeError(
      `Expected \`options.cwd\` to be a non-empty string or a file: URL, got ${describe(cwd)}`,
    );
  }
  const env = options?.env;
  if (env !== undefined) {
    checkOptions(env, "options.env");
    if (env === null) throw new TypeError("Expected `options.env` to be an object, got `null`");
    for (const [key, value] of Object.entries(env)) {
      if (value !== undefined && typeof value !== "string") {
        throw new TypeError(
          `Expected \`options.env.${key}\` to be a string, got ${describe(value)}`,
        );
      }
    }
  }
  return { shell, cwd, env };
}

/** @internal Checks one of the `stdin`, `stdout`, `stderr` options. */
export function checkStdio(value: unknown, name: string): StdioMode {
  if (value === undefined) return "pipe";
  if (value !== "pipe" && value !== "inherit" && value !== "ignore") {
    throw new TypeError(
      `Expected \`${name}\` to be "pipe", "inherit" or "ignore", got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * @internal Starts the child in its own process group (`detached`), so that a signal to the
 * group reaches its own children too. Throws an error naming the program if it cannot be
 * started.
 */
export function spawnChild(spec: SpawnSpec): childProcess.ChildProcess {
  const { command } = spec;
  const options: childProcess.SpawnOptions = {
    detached: true,
    stdio: [...spec.stdio],
    // The program's own `process.env` (in a test sandbox, the one the test sees).
    env: spec.env ?? process.env,
    ...(spec.cwd !== undefined ? { cwd: spec.cwd } : {}),
  };
  const child =
    typeof command === "string"
      ? childProcess.spawn(command, { ...options, shell: true })
      : childProcess.spawn(command[0] as string, command.slice(1), options);
  if (child.pid !== undefined) return child;
  // Node reports why on the next tick; the error below says it now.
  child.on("error", () => {});
  for (const pipe of [child.stdin, child.stdout, child.stderr]) pipe?.destroy();
  throw cannotStart(spec);
}

/** Why a program did not start: a missing working directory, program, or permission. */
function cannotStart(spec: SpawnSpec): Error {
  const program = typeof spec.command === "string" ? "/bin/sh" : (spec.command[0] as string);
  const shown = `\`${describeCommand(spec.command)}\``;
  let code: string;
  let why: string;
  if (spec.cwd !== undefined && !isDirectory(spec.cwd)) {
    code = "ENOENT";
    why = `its working directory ${JSON.stringify(spec.cwd)} does not exist`;
  } else {
    const found = findProgram(program, spec);
    if (found === null) {
      code = "ENOENT";
      why = program.includes("/")
        ? `there is no program ${JSON.stringify(program)}`
        : `no program ${JSON.stringify(program)} was found in PATH`;
    } else if (!isExecutable(found)) {
      code = "EACCES";
      why = `${JSON.stringify(found)} is not an executable file`;
    } else {
      code = "EAGAIN";
      why = `the system refused to start ${JSON.stringify(found)} (out of processes or file descriptors?)`;
    }
  }
  const err = new Error(`Cannot run ${shown}: ${why} (${code})`) as Error & {
    code: string;
    path: string;
  };
  err.code = code;
  err.path = program;
  return err;
}

/** The file a program name stands for: itself if it has a slash, else the first in PATH. */
function findProgram(program: string, spec: SpawnSpec): string | null {
  const base = spec.cwd ?? process.cwd();
  if (program.includes("/")) {
    const full = path.resolve(base, program);
    return fs.existsSync(full) ? full : null;
  }
  const env = spec.env ?? process.env;
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const full = path.resolve(base, dir, program);
    if (fs.existsSync(full) && !isDirectory(full)) return full;
  }
  return null;
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return !isDirectory(file);
  } catch {
    return false;
  }
}
