/**
 * `runInWorker` and `currentWorkerLimiter`: CPU-bound work on other cores, under the
 * run's rules (SPEC §11).
 *
 * How a call goes: take a token of the limiter (a checkpoint); take an idle worker of the
 * run's pool or start one (pool.ts); send the call and park until the worker answers. On
 * cancellation, the worker is told at once (a shared flag for `checkCancelled()`, a
 * message for `workerSignal()`), and then, shielded from the cancellation that caused it,
 * the call waits: to the end with `cancel: "wait"` (trio's `to_thread` default), at most
 * `grace` seconds on the run's clock with `"terminate"`, after which the worker is
 * terminated and the call waits, uncancellably, until the thread has exited. Only then
 * does the caller get `Cancelled`: no thread outlives the scope that started it.
 *
 * @module
 */
import type { ResourceLimits, TransferListItem } from "node:worker_threads";
import { compound, currentFrame, operation, runScope, type Frame, type Operation } from "../core";
import type { CapacityLimiter } from "../sync/capacity-limiter";
import { checkCall, cloneFailure, type Call } from "./check-call";
import { Job, WorkerCancelled, poolOf, type PooledWorker } from "./pool";

/**
 * Options of {@link runInWorker}.
 *
 * @example
 * ```ts
 * const url = new URL("./resize.mjs", import.meta.url);
 * const image = new ArrayBuffer(1 << 20); // moved to the worker, not copied
 * const limiter = new giambio.CapacityLimiter(2);
 * await giambio.runInWorker(url, "resize", [image], { limiter, transfer: [image], grace: 1 });
 * ```
 */
export interface RunInWorkerOptions {
  /**
   * Bounds how many calls run at once: each call holds one of its tokens while it runs.
   * @default the run's `currentWorkerLimiter()`, one token per core
   */
  limiter?: CapacityLimiter;
  /**
   * Objects inside `args` to move to the worker rather than copy (`ArrayBuffer`s,
   * `MessagePort`s): after the call they are detached here, and cost nothing to send.
   */
  transfer?: readonly TransferListItem[];
  /**
   * What a cancellation of the caller does to a call that is running. Either way the
   * worker's `workerSignal()` aborts and its `checkCancelled()` throws from then on.
   * `"terminate"`: a call still running `grace` seconds later has its worker terminated.
   * `"wait"`: the call runs to its end. The caller gets `Cancelled` after that.
   * @default "terminate"
   */
  cancel?: "terminate" | "wait";
  /**
   * With `cancel: "terminate"`, how long a cancelled call may still run (to notice
   * `checkCancelled()` or its signal and return) before its worker is terminated, in
   * seconds on the run's clock (`Infinity`: never terminated).
   * @default 0.1
   */
  grace?: number;
  /**
   * Memory and stack limits of the worker the call runs in (Node's `resourceLimits` of
   * `new Worker`). Workers are pooled by their limits. A call that exceeds them rejects
   * with `BrokenWorkerError`.
   */
  resourceLimits?: ResourceLimits;
}

/** A function of any signature (`never[]` parameters: every function is one). */
export type WorkerFunction = (...args: never[]) => unknown;

/**
 * What `runInWorker` assumes of a module whose type is not given: any export, any
 * arguments, an unknown result.
 */
export type WorkerModule = Record<string, (...args: unknown[]) => unknown>;

/** The names of the exports of the module type `M` that are functions. */
export type WorkerFunctionName<M> = {
  [K in keyof M]-?: M[K] extends WorkerFunction ? K : never;
}[keyof M] &
  string;

/** The parameters of the function type `F`, as a tuple. */
export type WorkerArgs<F> = F extends (...args: infer P) => unknown ? P : never;
/** What a call of the function type `F` in a worker resolves with: its awaited result. */
export type WorkerResult<F> = F extends (...args: never[]) => infer R ? Awaited<R> : never;

/**
 * The arguments of `runInWorker` after `module`, `[exportName, args, options]`, one tuple
 * per export name, so that the name and its arguments are checked together; `args` may be
 * left out when the function takes none.
 */
export type WorkerCallArgs<M, K extends WorkerFunctionName<M>> = {
  [N in K]: [] extends WorkerArgs<M[N]>
    ? [exportName: N, args?: WorkerArgs<M[N]>, options?: RunInWorkerOptions]
    : [exportName: N, args: WorkerArgs<M[N]>, options?: RunInWorkerOptions];
}[K];

/**
 * Calls the function `exportName` of `module` with `args` in a worker thread of the run's
 * pool, and resolves with what it returns (awaited). Use it for CPU-bound work (hashing,
 * parsing, compression, image processing) that would otherwise block the event loop.
 *
 * The module is loaded in the worker, once per worker, with `require` when Node can (a
 * CommonJS file, or any file a `--require` hook loads: workers inherit the process's
 * `execArgv`) and with `import()` otherwise (`.mjs`, ESM `.js`). `module` is a `URL`
 * (`new URL("./work.mjs", import.meta.url)`), an absolute path (`path.join(__dirname,
 * "work.js")`), or a path starting with `./` or `../`, which is resolved from the current
 * directory (`process.cwd()`), as `new Worker()` does. The arguments and the result are
 * copied with the structured clone algorithm; `options.transfer` moves buffers instead.
 *
 * The pool belongs to the run: workers start when a call finds none idle, are reused, and
 * are terminated when the run ends, which settles only once they have exited. At most
 * `options.limiter`'s tokens (by default `currentWorkerLimiter()`, one per core) calls run
 * at once; the others wait for a token, in FIFO order.
 *
 * Give the module's type to check the export's name, its arguments and the result:
 * `runInWorker<typeof import("./work.js")>(url, "sum", [1, 2])` refuses a name the module
 * does not export as a function and arguments that do not fit it. With the module's type
 * alone, the result is typed as the union of the results of the module's functions (a
 * TypeScript limit: a call cannot give one type argument and infer another); name the
 * export too, `runInWorker<typeof import("./work.js"), "sum">(...)`, to type it exactly.
 *
 * Cancellation: a checkpoint; in a scope that is already cancelled, the function never
 * runs. When the caller is cancelled while the call runs, the worker's `workerSignal()`
 * aborts and `checkCancelled()` throws (both from `giambio/worker`). With `cancel:
 * "terminate"` (the default), a call still running `grace` seconds later (0.1 by default,
 * on the run's clock, so virtual under `MockClock`) has its worker terminated, and the
 * caller gets `Cancelled` once the thread is gone; with `"wait"`, the call runs to its end
 * and the caller gets `Cancelled` then. The call's result is lost either way; an error the
 * call threw while finishing is thrown instead of `Cancelled`, so it is not lost.
 *
 * @typeParam M - the module's type, `typeof import("./module.js")`
 * @typeParam K - the export's name, when the result must be typed exactly
 * @param module - the module: a `URL`, an absolute path, or `./`/`../` from the current directory
 * @param call - the rest of the arguments, `exportName, args?, options?`: the name of the
 *   exported function (`"default"` for a default export); its arguments, in an array
 *   (default none; left out only when the function takes none); and the options
 *   `limiter`, `transfer`, `cancel`, `grace`, `resourceLimits`
 * @returns the function's result, awaited in the worker, then cloned
 * @throws what the function threw, with its `name`, `message` and the worker's `stack`
 *   (built-in classes such as `TypeError` are rebuilt as themselves; own properties that
 *   can be cloned, such as `code`, are copied); `BrokenWorkerError` when the worker died
 *   before it answered (`process.exit()`, memory beyond `resourceLimits`); an `Error`
 *   naming the module when it cannot be loaded, a `TypeError` naming the export when it
 *   is missing or not a function, or naming the argument (`args[1]`) that cannot be
 *   cloned; `Cancelled` when cancelled. A bad `module`, `exportName`, `args` or `options`
 *   throws a `TypeError` or `RangeError` at the call.
 * @example
 * ```ts
 * // hash.mjs: export function sha256(data) { return createHash("sha256").update(data).digest("hex"); }
 * type HashModule = { sha256(data: string): string }; // or typeof import("./hash.mjs")
 * const url = new URL("./hash.mjs", import.meta.url);
 * const digest: string = await giambio.runInWorker<HashModule>(url, "sha256", ["hello"]);
 * ```
 */
export function runInWorker<
  M = WorkerModule,
  K extends WorkerFunctionName<M> = WorkerFunctionName<M>,
>(module: string | URL, ...call: WorkerCallArgs<M, K>): Promise<WorkerResult<M[K]>>;
export function runInWorker(
  module: string | URL,
  exportName: string,
  args?: readonly unknown[],
  options?: RunInWorkerOptions,
): Promise<unknown> {
  const call = checkCall(module, exportName, args, options);
  const frame = currentFrame("runInWorker");
  return compound("runInWorker", frame, callInWorker, call, undefined);
}

/**
 * The run's default limiter of `runInWorker`: a `CapacityLimiter` with one token per core
 * (`os.availableParallelism()`), one per run. Change its `totalTokens` to let more (or
 * fewer) calls run at once, or pass a limiter of your own in `options.limiter`.
 *
 * Cancellation: not a checkpoint; it only asks the run.
 *
 * @returns the limiter, the same object for every call in one run
 * @throws an `Error` when called outside a run
 * @example
 * ```ts
 * giambio.currentWorkerLimiter().totalTokens = 2; // at most two worker calls at once
 * ```
 */
export function currentWorkerLimiter(): CapacityLimiter {
  return poolOf(currentFrame("currentWorkerLimiter")).limiter;
}

// -- the call -----------------------------------------------------------------------------

async function callInWorker(frame: Frame, call: Call): Promise<unknown> {
  const pool = poolOf(frame);
  const limiter = call.limiter ?? pool.limiter;
  // The call itself borrows the token: one task may run several calls at once.
  await limiter.acquireOnBehalfOf(call);
  try {
    const job = new Job(pool.take(call.limitsKey, call.limits), call.module, call.name, call.args);
    try {
      return await operation("runInWorker", frame, sendAndWait, job, call);
    } catch (err) {
      if (!job.cancelled) throw err instanceof WorkerCancelled ? err.error : err;
      return await afterCancel(frame, job, call, err);
    }
  } finally {
    limiter.releaseOnBehalfOf(call);
  }
}

/** Sends the call, unless the caller is already cancelled, and parks until the answer. */
function sendAndWait(op: Operation<unknown>, job: Job, call: Call): void {
  if (op.failIfCancelled()) {
    job.worker.release();
    return;
  }
  try {
    job.worker.start(job, call.transfer);
  } catch (err) {
    job.worker.release();
    op.fail(cloneFailure(err, call));
    return;
  }
  op.parkHere();
  job.waiter = op;
  op.onCancel = () => job.cancel();
}

/**
 * The caller was cancelled while the call ran (the worker has been told): waits, shielded,
 * for the call to end, at most `grace` seconds with `"terminate"`; then terminates the
 * worker if it still runs and waits until it has exited. Throws `cancelled`, or the error
 * the call ended with.
 */
async function afterCancel(frame: Frame, job: Job, call: Call, cancelled: unknown): Promise<never> {
  if (!job.done) {
    try {
      await runScope(frame, () => waitUntilDone(job), {
        deadline: call.wait ? Infinity : call.grace,
        relative: true,
        shield: true,
        fail: null,
      });
    } catch {
      // A second Ctrl-C cancels shielded scopes too: stop the worker now.
    }
    if (!job.done) {
      job.terminated = true;
      const worker = job.worker;
      worker.terminate();
      await operation("runInWorker", frame, parkUntilExit, worker, undefined);
    }
  }
  if (!job.ok && !job.terminated && !(job.outcome instanceof WorkerCancelled)) throw job.outcome;
  throw cancelled;
}

function waitUntilDone(job: Job): Promise<void> {
  return operation("runInWorker", currentFrame("runInWorker"), parkUntilDone, job, undefined);
}

function parkUntilDone(op: Operation<void>, job: Job): void {
  if (op.failIfCancelled()) return; // a grace of 0 has already passed
  if (job.done) {
    op.now(undefined);
    return;
  }
  op.parkHere();
  job.watcher = op;
  op.cleanup = () => {
    if (job.watcher === op) job.watcher = null;
  };
}

function parkUntilExit(op: Operation<void>, worker: PooledWorker): void {
  op.parkHere(false);
  worker.onExit(() => op.wake(undefined));
}
