/**
 * A run's worker pool: the threads `runInWorker` calls run in.
 *
 * Why one pool per run, and why it ends with the run (SPEC §11: no thread outlives the
 * scope that started it): the pool is a service of the run (`runService`, in the kernel's
 * resources.ts), made on the first `runInWorker` or `currentWorkerLimiter()` of the run.
 * Workers start lazily, one per call that finds none idle, and are reused; the run's
 * limiter bounds how many calls run at once, so the pool never holds more workers than the
 * most calls that ran at once. Every worker is `unref()`ed: while the run lives, the run
 * keeps the process alive, and a worker never does. When the run ends (every task has, so
 * no call is running), the pool terminates its workers and the run settles only once they
 * have exited, so no `Worker` is left when `run()` returns.
 *
 * A worker that dies (its code called `process.exit()`, it ran out of memory) or that a
 * cancellation terminated is dropped; the next call starts a new one.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import * as os from "node:os";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { Worker, type ResourceLimits, type TransferListItem } from "node:worker_threads";
import { runService, type Frame, type Operation, type RunService } from "../core";
import { BrokenWorkerError } from "../errors";
import { CapacityLimiter } from "../sync/capacity-limiter";
import { BOOTSTRAP } from "./bootstrap";
import { rebuildError, type CallMessage, type CancelMessage, type ReplyMessage } from "./protocol";

/** Workers started and not yet exited, in every run of the process (for the specs). */
let liveCount = 0;

/** @internal How many pool workers of any run are alive now. */
export function liveWorkers(): number {
  return liveCount;
}

let nextJobId = 1;

/** One call of `runInWorker`, from the moment it has a worker. */
export class Job {
  readonly id = nextJobId++;
  /** The call has an outcome (the worker answered, or died). */
  done = false;
  /** The outcome is a value, not an error. */
  ok = false;
  outcome: unknown = undefined;
  /** The caller was cancelled while the call ran. */
  cancelled = false;
  /** Its worker was terminated because of that. */
  terminated = false;
  /** The parked operation the outcome is delivered to, if any. */
  waiter: Operation<unknown> | null = null;
  /** A parked operation that only waits for the call to be over (after a cancellation). */
  watcher: Operation<void> | null = null;

  constructor(
    readonly worker: PooledWorker,
    readonly module: string,
    readonly name: string,
    readonly args: readonly unknown[],
  ) {}

  /** The message that starts the call in the worker. */
  message(): CallMessage {
    return { kind: "call", id: this.id, module: this.module, name: this.name, args: this.args };
  }

  /** Where the call went, for messages: `"hash" of /path/to/m.mjs`. */
  describe(): string {
    const where = this.module.startsWith("file:") ? fileURLToPath(this.module) : this.module;
    return `${JSON.stringify(this.name)} of ${where}`;
  }

  /** Records the outcome and wakes whoever waits for it. */
  finish(ok: boolean, outcome: unknown): void {
    if (this.done) return;
    this.done = true;
    this.ok = ok;
    this.outcome = outcome;
    const waiter = this.waiter;
    const watcher = this.watcher;
    this.waiter = this.watcher = null;
    if (watcher !== null) watcher.wake(undefined);
    if (waiter === null) return;
    if (ok) waiter.wake(outcome);
    else waiter.fail(outcome);
  }

  /** The caller was cancelled: tells the worker (shared flag first, then a message). */
  cancel(): void {
    if (this.done || this.cancelled) return;
    this.cancelled = true;
    this.worker.cancel(this);
  }
}

/** One worker thread of a pool, running at most one call at a time. */
export class PooledWorker {
  private readonly _worker: Worker;
  /** `checkCancelled()`'s flag, shared with the worker (see bootstrap.ts). */
  private readonly _flag: Int32Array;
  /** The call running now. */
  job: Job | null = null;
  exited = false;
  /** An error the worker reported before it exited (out of memory, uncaught). */
  private _error: unknown = undefined;
  private readonly _exitWaiters: (() => void)[] = [];

  constructor(
    private readonly _pool: WorkerPool,
    readonly limitsKey: string,
    resourceLimits: ResourceLimits | undefined,
  ) {
    const flag = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    this._flag = new Int32Array(flag);
    this._worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { flag },
      ...(resourceLimits !== undefined ? { resourceLimits } : {}),
    });
    liveCount++;
    // The run keeps the process alive while it lives; a worker never does.
    this._worker.unref();
    this._worker.on("message", (reply: ReplyMessage) => this._answered(reply));
    this._worker.on("messageerror", (err: Error) => this._answered(null, err));
    this._worker.on("error", (err: unknown) => {
      this._error = err;
    });
    this._worker.on("exit", (code: number) => this._exited(code));
  }

  /**
   * Sends the call of `job`. Throws synchronously (a `DataCloneError`) when an argument
   * cannot be cloned or an item of `transfer` cannot be transferred; nothing was sent then.
   */
  start(job: Job, transfer: readonly TransferListItem[] | undefined): void {
    Atomics.store(this._flag, 0, 0);
    this._worker.postMessage(job.message(), transfer);
    this.job = job;
  }

  /** The worker was taken but no call was sent: it is idle again. */
  release(): void {
    this._pool.giveBack(this);
  }

  /** Cancels the running call: the flag `checkCancelled()` reads, then the signal's message. */
  cancel(job: Job): void {
    if (this.job !== job || this.exited) return;
    Atomics.store(this._flag, 0, 1);
    const message: CancelMessage = { kind: "cancel", id: job.id };
    this._worker.postMessage(message);
  }

  /** Stops the thread (a call still running there is lost); the pool forgets it. */
  terminate(): void {
    if (this.exited) return;
    this._pool.forget(this);
    // Keeps the process alive until the thread has exited, so its exit is seen.
    this._worker.ref();
    void this._worker.terminate();
  }

  /** Calls `fn` once the thread has exited (at once if it has). */
  onExit(fn: () => void): void {
    if (this.exited) fn();
    else this._exitWaiters.push(fn);
  }

  private _answered(reply: ReplyMessage | null, messageError?: Error): void {
    const job = this.job;
    if (job === null || (reply !== null && reply.id !== job.id)) return;
    this.job = null;
    if (reply === null) {
      job.finish(
        false,
        new Error(`The answer of ${job.describe()} could not be read: ${messageError?.message}`, {
          cause: messageError,
        }),
      );
    } else if (reply.kind === "done") {
      job.finish(true, reply.value);
    } else {
      const err = rebuildError(reply.error);
      // The worker's own `Cancelled` (from checkCancelled()): the caller throws its own.
      if (reply.error.isError && reply.error.cancelled) job.finish(false, new WorkerCancelled(err));
      else job.finish(false, err);
    }
    if (!this.exited) this._pool.giveBack(this);
  }

  private _exited(code: number): void {
    this.exited = true;
    liveCount--;
    this._pool.forget(this);
    const job = this.job;
    this.job = null;
    if (job !== null) {
      const cause = this._error;
      const how =
        cause !== undefined
          ? `: ${cause instanceof Error ? cause.message : inspect(cause)}`
          : ` (exit code ${code}, from process.exit() or a fatal error)`;
      job.finish(
        false,
        new BrokenWorkerError(
          `The worker thread running ${job.describe()} died before it answered${how}`,
          cause !== undefined ? { cause } : undefined,
        ),
      );
    }
    for (const fn of this._exitWaiters.splice(0)) fn();
  }
}

/** What a call that the worker ended with `checkCancelled()`'s `Cancelled` fails with. */
export class WorkerCancelled {
  constructor(readonly error: unknown) {}
}

/** A run's pool of worker threads, and its default limiter. */
export class WorkerPool implements RunService {
  private _limiter: CapacityLimiter | null = null;
  /** Idle workers, by resource limits (most recently used last). */
  private readonly _idle = new Map<string, PooledWorker[]>();
  private readonly _all = new Set<PooledWorker>();

  /** The run's default limiter: one token per core (`os.availableParallelism()`). */
  get limiter(): CapacityLimiter {
    return (this._limiter ??= new CapacityLimiter(os.availableParallelism()));
  }

  /** An idle worker with these limits, or a new one. */
  take(limitsKey: string, resourceLimits: ResourceLimits | undefined): PooledWorker {
    const idle = this._idle.get(limitsKey);
    const reused = idle?.pop();
    if (reused !== undefined) return reused;
    const worker = new PooledWorker(this, limitsKey, resourceLimits);
    this._all.add(worker);
    return worker;
  }

  /** A worker is free again. */
  giveBack(worker: PooledWorker): void {
    if (worker.exited || worker.job !== null || !this._all.has(worker)) return;
    let idle = this._idle.get(worker.limitsKey);
    if (idle === undefined) this._idle.set(worker.limitsKey, (idle = []));
    if (!idle.includes(worker)) idle.push(worker);
  }

  /** A worker exited or is being terminated: never handed out again. */
  forget(worker: PooledWorker): void {
    if (!this._all.delete(worker)) return;
    const idle = this._idle.get(worker.limitsKey);
    const i = idle?.indexOf(worker) ?? -1;
    if (i >= 0) idle?.splice(i, 1);
  }

  /** The run has ended: terminates every worker; settles once all have exited. */
  endWithRun(): Promise<void> | null {
    const workers = [...this._all];
    this._all.clear();
    this._idle.clear();
    if (workers.length === 0) return null;
    return Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.onExit(resolve);
            worker.terminate();
          }),
      ),
    ).then(() => undefined);
  }
}

/** The key of the pool among the run's services. */
const POOL = { service: "giambio worker pool" };

/** The pool of the run `frame` belongs to, made on first use. */
export function poolOf(frame: Frame): WorkerPool {
  return runService(frame, POOL, () => new WorkerPool());
}
