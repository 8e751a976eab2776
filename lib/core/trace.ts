/**
 * Spawn traces, for `runWith({ traceSpawns: true })`.
 *
 * Why: an error thrown in a task has a stack that starts at the scheduler, so it says
 * nothing of how the program got there. With tracing on, each task records the line that
 * spawned it, and an error that fails a task collects that task's spawn site on its way
 * to the root: the chain of spawn sites, innermost first, in `err.giambioTrace`
 * (non-enumerable, so it changes no equality) and printed by `util.inspect`. This is what
 * users of Effect and Effection most often miss in their traces.
 *
 * Cost: a stack capture per spawn with tracing on (see docs/performance.md); nothing with
 * it off, where the only trace of this module is one boolean test in the task constructor.
 *
 * @module
 */
import * as path from "node:path";
import { inspect } from "node:util";
import type { Task } from "./task";

/**
 * One link of a `giambioTrace`: a task the error passed through, and where it was spawned.
 *
 * @example
 * ```ts
 * await giambio.runWith({ traceSpawns: true }, async function main() {
 *   try {
 *     await giambio.withNursery(async (nursery) => {
 *       nursery.spawn(async function child() {
 *         throw new Error("boom");
 *       });
 *     });
 *   } catch (err) {
 *     const trace = (err as { giambioTrace?: giambio.SpawnTraceEntry[] }).giambioTrace;
 *     for (const { task, spawnedAt } of trace ?? []) {
 *       console.log(task, spawnedAt.trim().split("\n")[0]);
 *     }
 *   }
 * });
 * ```
 *
 * ```text
 * child at ...
 * ```
 */
export interface SpawnTraceEntry {
  /** The task's id. */
  readonly id: number;
  /** The task's name. */
  readonly task: string;
  /** The stack frames (`at ...` lines) of the code that spawned it, giambio's own left out. */
  readonly spawnedAt: string;
}

/**
 * Where giambio's own frames come from: the folder of the running code (lib/ from source,
 * dist/cjs or dist/esm when built) and, for built code under source maps
 * (`--enable-source-maps`), the sources its maps point back to (the package's lib/).
 */
const OWN_DIRS = ((): string[] => {
  const root = path.resolve(__dirname, "..");
  const dirs = [root + path.sep];
  if (path.basename(path.dirname(root)) === "dist") {
    dirs.push(path.resolve(root, "..", "..", "lib") + path.sep);
  }
  return dirs;
})();

/** Whether a stack line is one of giambio's frames, or Node's. */
function ownFrame(line: string): boolean {
  if (line.includes("node:internal")) return true;
  for (const dir of OWN_DIRS) if (line.includes(dir)) return true;
  return false;
}
const FRAMES = 8;

/** The user frames of the current stack, as `at ...` lines. */
/** @internal */
export function captureSite(): string {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = FRAMES + 6;
  try {
    Error.captureStackTrace(holder, captureSite);
  } finally {
    Error.stackTraceLimit = limit;
  }
  const lines = (holder.stack ?? "").split("\n").slice(1);
  const user = lines.filter((l) => !ownFrame(l));
  return user
    .slice(0, FRAMES)
    .map((l) => l.trim())
    .join("\n");
}

/**
 * The first user frame of the current stack, as `file:line:column` (or the whole `at`
 * line when it names a function), for the never-awaited warning.
 */
/** @internal */
export function captureOpSite(): OpSite {
  const holder: OpSite = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 12;
  try {
    Error.captureStackTrace(holder, captureOpSite);
  } finally {
    Error.stackTraceLimit = limit;
  }
  return holder;
}

/** A captured (not yet formatted) creation site: V8 formats `stack` on first read only. */
export type OpSite = { stack?: string };

/** The first user frame of a captured site, formatted (only for the warning). */
/** @internal */
export function formatOpSite(holder: OpSite): string | null {
  const lines = (holder.stack ?? "").split("\n");
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (!ownFrame(line)) {
      return line.replace(/^at /, "");
    }
  }
  return null;
}

const TRACE = "giambioTrace";

/** Appends `task`'s spawn site to `err`'s `giambioTrace` (tracing on, `err` an object). */
/** @internal */
export function addTrace(err: unknown, task: Task): void {
  if (typeof err !== "object" || err === null || !Object.isExtensible(err)) return;
  const holder = err as { [TRACE]?: SpawnTraceEntry[] };
  let trace = Object.prototype.hasOwnProperty.call(err, TRACE) ? holder[TRACE] : undefined;
  if (trace === undefined) {
    trace = [];
    Object.defineProperty(err, TRACE, { value: trace, enumerable: false, configurable: true });
    Object.defineProperty(err, inspect.custom, {
      value: inspectWithTrace,
      enumerable: false,
      configurable: true,
    });
  }
  if (trace.some((e) => e.id === task.id)) return;
  trace.push({ id: task.id, task: task.name, spawnedAt: task._spawnSite ?? "(unknown)" });
}

function inspectWithTrace(
  this: { [TRACE]: SpawnTraceEntry[] },
  _depth: number,
  options: object,
): string {
  const plain = inspect(this, { ...options, customInspect: false });
  return `${plain}\n${formatTrace(this[TRACE])}`;
}

/** Renders a trace as lines: one heading per task, its spawn frames indented below. */
/** @internal */
export function formatTrace(trace: readonly SpawnTraceEntry[]): string {
  const out = ["giambio spawn trace (innermost task first):"];
  for (const e of trace) {
    out.push(`  in task ${JSON.stringify(e.task)} (#${e.id}), spawned`);
    for (const line of e.spawnedAt.split("\n")) out.push(`      ${line}`);
  }
  return out.join("\n");
}
