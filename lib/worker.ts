/**
 * `giambio/worker`: the worker's side of `runInWorker`, for the function a worker runs.
 *
 * It is deliberately tiny and imports nothing: a worker loads it beside the user's module,
 * not the runtime. Its state lives on `globalThis[Symbol.for("giambio.worker")]`, set by
 * the worker's bootstrap (lib/worker/bootstrap.ts), so it is found even when the user's
 * module loads a copy of this file of its own (another install of giambio, `import` and
 * `require` of different builds).
 *
 * @module
 */

/** What the worker's bootstrap keeps on the global slot (see lib/worker/bootstrap.ts). */
interface WorkerSide {
  /** Set to 1 by the caller's thread when the call is cancelled. */
  readonly flag: Int32Array;
  /** The current call's signal (made on first use). */
  signal(): AbortSignal;
  /** Aborts the signal and throws the worker's `Cancelled`. */
  cancelled(): never;
}

const SLOT = Symbol.for("giambio.worker");

/** The slot, once found: a worker's global never changes. */
let side: WorkerSide | undefined;

function findSide(name: string): WorkerSide {
  const found = (globalThis as { [SLOT]?: WorkerSide })[SLOT];
  if (found === undefined) {
    throw new Error(
      `giambio/worker's ${name}() works only in a worker thread of giambio's runInWorker(): ` +
        "call it from the function runInWorker calls (or code that function runs)",
    );
  }
  side = found;
  return found;
}

/**
 * The `AbortSignal` of the `runInWorker` call running in this worker: it aborts as soon as
 * the caller is cancelled. Hand it to whatever takes a `signal` (`fetch`, `fs.promises`,
 * `timers/promises`), or listen to it. An aborted signal's `reason` is an `Error` named
 * `"Cancelled"`.
 *
 * Cancellation: the signal aborts when the worker's event loop runs after the caller is
 * cancelled; code that never yields sees it through `checkCancelled()` (or here: the signal
 * this function returns is already aborted when the caller was cancelled before the call).
 *
 * @returns the current call's signal
 * @throws an `Error` outside a `runInWorker` call (outside a pool worker, or between calls)
 * @example
 * ```ts
 * // work.ts (built to work.js), run with runInWorker(url, "fetchAll", [urls])
 * import { workerSignal } from "giambio/worker";
 *
 * export async function fetchAll(urls: readonly string[]): Promise<string[]> {
 *   const signal = workerSignal();
 *   return Promise.all(urls.map((u) => fetch(u, { signal }).then((r) => r.text())));
 * }
 * ```
 */
export function workerSignal(): AbortSignal {
  return (side ?? findSide("workerSignal")).signal();
}

/**
 * Throws once the caller of the `runInWorker` call running in this worker is cancelled:
 * an `Error` named `"Cancelled"`, which the call lets out (the caller then gets giambio's
 * own `Cancelled`). It reads a flag in memory shared with the caller's thread (one
 * `Atomics.load`), so it is cheap enough for a hot loop and works in code that never
 * yields to the event loop.
 *
 * Cancellation: this is how a CPU-bound call notices it: call it every so often, and the
 * call ends soon after a cancellation, within `grace`, instead of having its worker
 * terminated.
 *
 * @throws an `Error` named `"Cancelled"` when the caller is cancelled; an `Error` outside
 *   a pool worker of `runInWorker`
 * @example
 * ```ts
 * // primes.ts (built to primes.js), run with runInWorker(url, "countPrimes", [10_000_000])
 * import { checkCancelled } from "giambio/worker";
 *
 * export function countPrimes(limit: number): number {
 *   let count = 0;
 *   for (let n = 2; n < limit; n++) {
 *     if (n % 4096 === 0) checkCancelled(); // cheap: one read of shared memory
 *     if (isPrime(n)) count++;
 *   }
 *   return count;
 * }
 *
 * function isPrime(n: number): boolean {
 *   for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
 *   return true;
 * }
 * ```
 */
export function checkCancelled(): void {
  const s = side ?? findSide("checkCancelled");
  if (Atomics.load(s.flag, 0) !== 0) s.cancelled();
}
