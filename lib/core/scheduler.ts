/**
 * The scheduler of one run: the ready queue, its batches, and the yield policy.
 *
 * Batches: woken waits and newly spawned tasks go into a ready queue; one microtask (a
 * *batch*) resumes every entry that was ready when it started, in FIFO order, so a task
 * spawned during a batch starts in the next one, never inside `spawn()`. Resuming a wait
 * calls the callbacks its `await` gave it, which only queues the awaiting code, so every
 * task woken in a batch runs after the batch, in the order it was woken.
 *
 * Fairness: every checkpoint costs its task the same two turns of the microtask queue
 * whatever operation it yields with (`checkpoint()`, `sleep(0)`, a channel operation that
 * need not wait), so tasks that are ready take one step each in turn (SPEC §2).
 *
 * Why and when we yield to the event loop: batches and checkpoints are microtasks, and a
 * busy loop of microtasks starves timers and I/O forever. Every 64th batch request and
 * every 1024th immediate completion look at the time since the event loop last turned (a
 * `setImmediate` ping records it); past the budget (`turnBudget`, 5 ms by default) the
 * scheduler sets `yielding`, and the next batch, and every checkpoint until then, wait for
 * a `setImmediate`. A checkpoint that throws `Cancelled` goes through a batch too, so a
 * loop that catches `Cancelled` cannot starve the loop either. The measurements behind the
 * numbers are in docs/performance.md.
 *
 * Imports nothing from the rest of the kernel.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */

/** What the ready queue holds. */
/** @internal */
export interface Ready {
  _resume(): void;
}

/** Told when a batch starts (the run checks for operations never awaited there). */
/** @internal */
export interface BatchHooks {
  _batchStarting(): void;
}

/** The default budget of microtask time per turn of the event loop, in seconds. */
/** @internal */
export const DEFAULT_TURN_BUDGET = 0.005;

/** Batches are queued as reactions to this promise: cheaper than `queueMicrotask`. */
const RESOLVED: Promise<void> = Promise.resolve();

/** @internal */
export class Scheduler {
  /** Whether a batch is queued and has not run yet. */
  pending = false;
  /** Whether the event loop is due a turn: batches and checkpoints wait for it. */
  yielding = false;
  private ready: Ready[] = [];
  private spare: Ready[] = [];
  private tick = 0;
  private fastTick = 0;
  private turnStart = performance.now();
  private readonly budgetMs: number;
  private ping: NodeJS.Immediate | null = null;
  private yieldHandle: NodeJS.Immediate | null = null;
  private stopped = false;

  constructor(
    private readonly hooks: BatchHooks,
    turnBudget: number,
  ) {
    this.budgetMs = turnBudget * 1000;
  }

  /** Puts `r` at the back of the ready queue; a batch will resume it. */
  schedule(r: Ready): void {
    this.ready.push(r);
    if (this.pending) return;
    this.pending = true;
    if (this.yielding || ((++this.tick & 63) === 0 && this.overBudget())) this.yieldToLoop();
    else void RESOLVED.then(this.runBatch);
  }

  /**
   * Whether an operation that did not need to wait may complete at once (its `await` has
   * already cost a turn of the microtask queue); `false` when the event loop is due a turn.
   */
  continueNow(): boolean {
    // Tasks already woken wait in the ready queue: a checkpoint goes behind them.
    if (this.yielding || this.pending) return false;
    if ((++this.fastTick & 1023) !== 0 || !this.overBudget()) return true;
    this.yielding = true;
    return false;
  }

  /** Stops the policy's host handles; what is still queued is resumed in one last batch. */
  stop(): void {
    this.stopped = true;
    if (this.ping !== null) clearImmediate(this.ping);
    this.ping = null;
    if (this.yieldHandle !== null) {
      clearImmediate(this.yieldHandle);
      this.yieldHandle = null;
    }
    this.yielding = false;
    if (this.pending) queueMicrotask(this.runBatch);
  }

  private readonly runBatch = (): void => {
    this.pending = false;
    this.hooks._batchStarting();
    const batch = this.ready;
    this.ready = this.spare;
    for (let i = 0; i < batch.length; i++) (batch[i] as Ready)._resume();
    batch.length = 0;
    this.spare = batch;
  };

  private overBudget(): boolean {
    if (this.stopped) return false;
    if (performance.now() - this.turnStart >= this.budgetMs) return true;
    if (this.ping === null) this.ping = setImmediate(this.onPing);
    return false;
  }

  private readonly onPing = (): void => {
    this.ping = null;
    this.turnStart = performance.now();
  };

  private yieldToLoop(): void {
    this.yielding = true;
    if (this.yieldHandle === null) this.yieldHandle = setImmediate(this.onYield);
  }

  private readonly onYield = (): void => {
    this.yieldHandle = null;
    this.yielding = false;
    this.turnStart = performance.now();
    if (this.pending) this.runBatch();
  };

  /** The event loop turned (a host timer fired): the budget starts again. */
  turned(): void {
    this.turnStart = performance.now();
  }
}
