/**
 * Instruments: objects whose hooks the runner calls as a run goes, for tracing, metrics
 * and tests (SPEC §8).
 *
 * Why a removal instead of a crash: an instrument watches a run, it must never change
 * what the run does. A hook that throws is taken out of the run at once and reported as a
 * `GiambioWarning`; the run goes on as if the instrument had never been there.
 *
 * Cost: a run without instruments keeps `Runner._instruments` at `null`, and every hook
 * site is one null check.
 *
 * @module
 */
import { inspect } from "node:util";
import { describe } from "../validate";
import type { Task } from "./task";

/**
 * Hooks into a run, passed as `runWith({ instruments: [obj] }, main)`. Every hook is
 * optional and is called synchronously, with `this` the instrument.
 *
 * A *batch* is one scheduler pass over the tasks ready at that moment: `beforeBatch`, then
 * each of those tasks takes one step, then `afterBatch`.
 *
 * @example
 * ```ts
 * const spawned: string[] = [];
 * const instrument: giambio.Instrument = { taskSpawned: (task) => spawned.push(task.name) };
 * await giambio.runWith({ instruments: [instrument] }, async function main() {
 *   await giambio.spawn(async function child() {}).join();
 * });
 * console.log(spawned);
 * ```
 *
 * ```text
 * [ 'main', 'child' ]
 * ```
 */
export interface Instrument {
  /** Once, when the run starts, before the root task is spawned. */
  beforeRun?(): void;
  /** Once, when the run has ended, before its promise settles. */
  afterRun?(): void;
  /** A task was created (the root task too); it starts in the next batch. */
  taskSpawned?(task: Task): void;
  /** A task was made ready to run: it was spawned, or a wait of its ended. */
  taskScheduled?(task: Task): void;
  /** A task has ended, its children included. */
  taskExited?(task: Task): void;
  /** A batch is about to run. */
  beforeBatch?(): void;
  /** A batch has run. */
  afterBatch?(): void;
}

/** The names of the hooks, in the order SPEC §8 lists them. */
export const HOOKS = [
  "beforeRun",
  "afterRun",
  "taskSpawned",
  "taskScheduled",
  "taskExited",
  "beforeBatch",
  "afterBatch",
] as const;

export type Hook = (typeof HOOKS)[number];

/** Checks `runWith`'s `instruments` option; returns a private copy, or `null` when empty. */
/** @internal */
export function checkInstruments(value: unknown): Instrument[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) {
    throw new TypeError(`Expected \`options.instruments\` to be an array, got ${describe(value)}`);
  }
  value.forEach((ins: unknown, i) => {
    if (typeof ins !== "object" || ins === null) {
      throw new TypeError(
        `Expected \`options.instruments[${i}]\` to be an object, got ${describe(ins)}`,
      );
    }
    for (const hook of HOOKS) {
      const f = (ins as Record<string, unknown>)[hook];
      if (f !== undefined && typeof f !== "function") {
        throw new TypeError(
          `Expected \`options.instruments[${i}].${hook}\` to be a function, got ${describe(f)}`,
        );
      }
    }
  });
  return value.length === 0 ? null : [...(value as Instrument[])];
}

/**
 * Calls `hook` on each instrument of `list` (a live array: a throwing instrument is
 * spliced out of it). Returns whether any instrument is left.
 */
/** @internal */
export function callHook(list: Instrument[], hook: Hook, task?: Task): boolean {
  for (let i = 0; i < list.length; i++) {
    const ins = list[i] as Instrument;
    // Called with the instrument as `this`, as its declaration as a method promises.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const f = ins[hook] as ((task?: Task) => void) | undefined;
    if (f === undefined) continue;
    try {
      f.call(ins, task);
    } catch (err) {
      list.splice(i--, 1);
      const shown = err instanceof Error ? `${err.name}: ${err.message}` : inspect(err);
      process.emitWarning(
        `An instrument's ${hook}() threw and the instrument was removed from the run: ${shown}`,
        "GiambioWarning",
      );
    }
  }
  return list.length > 0;
}
