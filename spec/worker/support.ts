/**
 * Helpers of the worker specs: the fixture modules, shared flags, and waiting for a worker
 * to reach a point without real-time windows (`Atomics.waitAsync`).
 */
import * as path from "node:path";
import * as giambio from "giambio";

export const CALLS = path.resolve(__dirname, "../fixtures/worker-calls.mjs");
export const CANCEL = path.resolve(__dirname, "../fixtures/worker-cancel.cjs");

/** How a worker-cancel.cjs function ended (view[1]). */
export const CHECKED = 1;
export const SIGNALLED = 2;
export const FINISHED = 3;

/** A fresh Int32Array over shared memory, to pass to a worker function. */
export function sharedView(length = 4): Int32Array {
  return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
}

/** Waits (blocked, as a checkpoint) until `view[index]` reaches `value`. */
export async function waitForValue(view: Int32Array, index: number, value: number): Promise<void> {
  for (;;) {
    const seen = Atomics.load(view, index);
    if (seen === value) return;
    const waiting = waitAsync(view, index, seen);
    if (waiting.async) await giambio.cancellable(waiting.value);
  }
}

/** `Atomics.waitAsync` (ES2024; the repo's lib setting is ES2022). */
function waitAsync(
  view: Int32Array,
  index: number,
  value: number,
): { async: false; value: string } | { async: true; value: Promise<string> } {
  return (Atomics as unknown as { waitAsync: typeof waitAsync }).waitAsync(view, index, value);
}

/** Stores `value` in `view[index]` and wakes whoever waits on it. */
export function store(view: Int32Array, index: number, value: number): void {
  Atomics.store(view, index, value);
  Atomics.notify(view, index);
}
