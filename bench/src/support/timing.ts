/**
 * Clocks, pauses and forced garbage collection for the variants. Plain timers and
 * promises only: this file loads in every child, `raw` ones included.
 *
 * @module
 */
import { performance } from "node:perf_hooks";

/** Milliseconds on the monotonic clock. */
export function now(): number {
  return performance.now();
}

/** Resolves after `ms` milliseconds (a plain `setTimeout`). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves on the next turn of the event loop (a plain `setImmediate`). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Forces two full collections; children run with `--expose-gc`. */
export function collectGarbage(): void {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error("Run the child with --expose-gc (the harness does)");
  gc();
  gc();
}

/** `heapUsed` right after {@link collectGarbage}, in bytes. */
export function heapAfterGc(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
