/**
 * The block form of a nursery: `await using nursery = openNursery()`.
 *
 * Why the block form delivers failures *into* the block: JavaScript never tells a disposer
 * how its block ended, and an error a disposer throws while the block is already throwing
 * reaches the user wrapped in a `SuppressedError`. So when a child fails, the nursery
 * cancels its scope, and the block's own code receives the failure itself at its next
 * checkpoint: the nursery is its scope's `CancelHook`, and hands the failure out once.
 * The error then leaves the block by the ordinary route, and the disposer only waits for
 * the cancelled children. SPEC §4 lists every case; docs/guide/nurseries.md explains them.
 *
 * The block cannot be wrapped in a call, so opening the nursery swaps the scope and
 * nursery of the caller's frame, and disposing it swaps them back.
 *
 * @module
 */
import { NurseryError, newCancelled } from "../errors";
import { CancelScope, type CancelHook } from "./cancel-scope";
import type { Frame } from "./context";
import { combineErrors } from "./failures";
import { compound } from "./operation";
import { Nursery } from "./nursery";
import type { Task } from "./task";

/** @internal */
export class BlockNursery extends Nursery implements CancelHook {
  /** @internal The frame whose scope and nursery it swapped, while the block is open. */
  private _frame: Frame | null;
  private readonly _prevScope: CancelScope;
  private readonly _prevNursery: Nursery | null;
  private _joined = false;
  /** How many of `_errors` the block's code has received. */
  private _delivered = 0;
  /** The block received a failure, went on, and then received `Cancelled`. */
  private _cancelledAfterFailure = false;
  /** The block was left without disposing the nursery. */
  private _abandoned = false;

  /** @internal Made by `openNursery()`. */
  constructor(frame: Frame) {
    const task = frame._task;
    const scope = new CancelScope(frame._scope, task._runner);
    super(task, scope, false);
    scope._hook = this;
    this._frame = frame;
    this._prevScope = frame._scope;
    this._prevNursery = frame._nursery;
    frame._scope = scope;
    frame._nursery = this;
  }

  /**
   * Waits for every child (children may spawn more meanwhile), then closes the nursery. A
   * checkpoint. Put `await nursery.join()` at the end of the block's happy path.
   *
   * @throws the failure (the error, or a `MultiError`) once every child has finished, if any
   *   child failed; `Cancelled`, after waiting for the cancelled children, when an enclosing
   *   scope was cancelled.
   */
  override join(): Promise<void> {
    const frame = this._frame;
    if (frame === null) {
      throw new TypeError("nursery.join() was called after its block was left");
    }
    return compound("Nursery.join", frame, joinBlock, this, undefined);
  }

  /** Runs when the `await using` block is left: cancels and awaits what still runs. */
  override async [Symbol.asyncDispose](): Promise<void> {
    const frame = this._frame;
    if (frame === null) return;
    this._frame = null;
    let misnested = false;
    if (frame._scope === this._scope) {
      frame._scope = this._prevScope;
      frame._nursery = this._prevNursery;
    } else {
      misnested = true;
    }
    if (this._joined) {
      this._close();
      return;
    }
    const live = this._live();
    if (live > 0) {
      this._scope.cancel();
      await this._waitAll(frame._task);
    }
    this._close();
    const undelivered = this._undelivered();
    if (undelivered !== undefined) throw undelivered;
    if (this._cancelledAfterFailure) throw this._failure();
    if (misnested) {
      throw new TypeError(
        "Block-form nurseries of one task must be left in the reverse order they were opened " +
          "(do not interleave them with Promise.all; use a nursery per concurrent branch)",
      );
    }
    if (this._errors !== null || live === 0) return;
    if (this._prevScope._cancelled) return;
    throw new NurseryError(
      `The nursery block was left while ${live} ${live === 1 ? "child was" : "children were"} ` +
        `still running and \`await nursery.join()\` had not been awaited; ` +
        `${live === 1 ? "it was" : "they were"} cancelled. End the block's happy path with ` +
        "`await nursery.join()`.",
      live,
    );
  }

  /**
   * @internal The block's own code reached a checkpoint in this cancelled nursery: the
   * failure the first time, then `undefined` (meaning `Cancelled`).
   */
  _errorFor(task: Task): unknown {
    if (task !== this._owner) return undefined;
    const failure = this._undelivered();
    if (failure === undefined && this._delivered > 0) this._cancelledAfterFailure = true;
    return failure;
  }

  /** @internal The owner's code ended while the block was still open. */
  override _bodyEnded(): void {
    if (this._frame === null) return;
    this._frame = null;
    if (this._joined) {
      this._close();
      return;
    }
    this._abandoned = true;
    this._scope.cancel();
    if (this._live() === 0) this._allDone();
  }

  /** @internal */
  override _allDone(): void {
    if (this._waiter !== null || !this._abandoned) {
      super._allDone();
      return;
    }
    this._owner
      ._implicitNursery()
      ._recordError(
        this._undelivered() ??
          new NurseryError(
            "A nursery from openNursery() was never disposed: open it with `await using` so " +
              "that leaving the block waits for its children",
          ),
      );
    this._close(); // lets the owner finish, now failed
  }

  /** @internal The body of `join()`, once awaited. */
  async _join(): Promise<void> {
    await this._waitAll(this._owner);
    this._joined = true;
    this._closed = true;
    const undelivered = this._undelivered();
    if (undelivered !== undefined) throw undelivered;
    if (this._errors !== null) throw this._failure();
    if (this._scope._cancelledFromOutside) throw newCancelled();
  }

  /** Failures the block has not received yet, marking them received. */
  private _undelivered(): unknown {
    const errors = this._errors;
    if (errors === null || this._delivered >= errors.length) return undefined;
    const fresh = errors.slice(this._delivered);
    this._delivered = errors.length;
    return combineErrors(fresh);
  }
}

function joinBlock(_frame: Frame, nursery: BlockNursery): Promise<void> {
  return nursery._join();
}

/** Opens a block-form nursery in the calling code's frame. */
/** @internal */
export function openBlockNursery(frame: Frame): BlockNursery {
  return new BlockNursery(frame);
}
