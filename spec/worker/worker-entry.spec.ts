/**
 * `giambio/worker` (lib/worker.ts) in this thread: outside a pool worker it refuses
 * clearly; inside one it reads the slot the worker's bootstrap keeps on the global. The
 * calls from real workers are in cancellation.spec.ts.
 */
import { checkCancelled, workerSignal } from "giambio/worker";

const SLOT = Symbol.for("giambio.worker");

describe("giambio/worker", () => {
  it("refuses to work outside a worker started by runInWorker, naming the function", () => {
    expect(() => checkCancelled()).toThrow(
      /giambio\/worker's checkCancelled\(\) works only in a worker thread of giambio's runInWorker\(\)/,
    );
    expect(() => workerSignal()).toThrow(/giambio\/worker's workerSignal\(\) works only/);
  });

  it("reads the slot the bootstrap sets: checkCancelled() throws once the shared flag is set", () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const controller = new AbortController();
    const cancelled = new Error("cancelled");
    cancelled.name = "Cancelled";
    const global = globalThis as { [SLOT]?: unknown };
    global[SLOT] = {
      flag,
      signal: () => controller.signal,
      cancelled: () => {
        controller.abort(cancelled);
        throw cancelled;
      },
    };
    try {
      expect(() => checkCancelled()).not.toThrow();
      expect(workerSignal()).toBe(controller.signal);
      Atomics.store(flag, 0, 1);
      expect(() => checkCancelled()).toThrow(cancelled);
      expect(workerSignal().aborted).toBe(true);
    } finally {
      delete global[SLOT];
    }
  });
});
