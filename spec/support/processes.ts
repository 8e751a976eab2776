/**
 * Helpers for the subprocess specs: reading /proc, and a check that a test left no child
 * process behind.
 *
 * How a spec's processes are found: `tagChildren()` puts a variable in the environment
 * every child inherits (giambio passes the spec's `process.env` on), and its children's
 * children inherit it too; after each test, no running process may carry it, and no
 * child of this process may be left unreaped (a zombie).
 *
 * A note on zombies: a grandchild whose parent died is reparented to PID 1, which reaps it.
 * Some container inits do not, and leave it a zombie forever; so "gone" here means "no
 * such process, or a zombie that is not ours to reap". Our own children must be reaped.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as giambio from "giambio";

const TAG_NAME = "GIAMBIO_SPEC_PROCESS_TAG";
const TAG = `${process.pid}-${Math.random().toString(36).slice(2)}`;

export const FIXTURES = path.resolve(__dirname, "..", "fixtures");
export const NODE = process.execPath;

interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgid: number;
}

/** Parses /proc/PID/stat, or `null` when there is no such process. */
export function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // "pid (comm) state ppid pgrp ...": comm may contain spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return {
    pid,
    state: fields[0] as string,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
  };
}

function allPids(): number[] {
  return fs
    .readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Whether `pid` is a live process (a zombie is not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw err;
  }
  const stat = procStat(pid);
  return stat !== null && stat.state !== "Z";
}

/** Our own children left unreaped. */
export function ourZombies(): number[] {
  return allPids().filter((pid) => {
    const stat = procStat(pid);
    return stat !== null && stat.ppid === process.pid && stat.state === "Z";
  });
}

/** Running processes that carry this spec file's tag (see the module comment). */
export function taggedRunning(): number[] {
  return allPids().filter((pid) => {
    let env: string;
    try {
      env = fs.readFileSync(`/proc/${pid}/environ`, "utf8");
    } catch {
      return false;
    }
    return env.split("\0").includes(`${TAG_NAME}=${TAG}`) && isRunning(pid);
  });
}

/** Real-time polling, outside giambio: resolves once `test()` holds, or rejects after `ms`. */
function pollUntil(test: () => boolean, what: string, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (test()) resolve();
      else if (Date.now() - started > ms) reject(new Error(`Timed out waiting for ${what}`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

/**
 * Waits (inside a run, as a checkpoint) until `file` holds a whole line, and returns its
 * text: how a child that cannot talk to us through a pipe says it is ready.
 */
export function waitForLine(file: string): Promise<string> {
  return giambio.cancellable(async () => {
    const read = (): string => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "");
    await pollUntil(() => read().includes("\n"), `a line in ${file}`);
    return read().trim();
  });
}

/** Waits until `pid` is gone (outside a run, or anywhere: plain promise). */
export function waitGone(pid: number): Promise<void> {
  return pollUntil(() => !isRunning(pid), `process ${pid} to end`);
}

/** A fresh temporary directory, removed after the file's tests. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "giambio-process-"));
}

/** Handles of child processes and their pipes that Node still holds. */
function processHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "ProcessWrap" || r === "PipeWrap")
    .length;
}

/**
 * Tags every child the spec file starts, and after each test checks that none is still
 * running (children and grandchildren), that no child is left unreaped, and that Node
 * holds no more process or pipe handles than before the test.
 */
export function checkNoProcessLeft(): void {
  let handlesBefore = 0;
  beforeAll(() => {
    process.env[TAG_NAME] = TAG;
  });
  afterAll(() => {
    delete process.env[TAG_NAME];
  });
  beforeEach(() => {
    handlesBefore = processHandles();
  });
  afterEach(async () => {
    // A process killed a moment ago may take a few milliseconds to die.
    await pollUntil(() => taggedRunning().length === 0, "no tagged process to run").catch(() => {});
    expect(taggedRunning()).toEqual([]);
    expect(ourZombies()).toEqual([]);
    await pollUntil(() => processHandles() <= handlesBefore, "handles to be released", 2000).catch(
      () => {},
    );
    expect(processHandles()).toBeLessThanOrEqual(handlesBefore);
  });
}
