/**
 * `checkpoint()`, the cheapest yield, and the run's clock as code in a frame sees it.
 *
 * Why `checkpoint()` is not an operation on its fast path: it is the hottest call there
 * is, and forgetting to `await` it does nothing at all (no side effect is lost or
 * delayed), so when the calling code is not cancelled and the event loop is not due a
 * turn, it returns a plain promise that settles one turn of the microtask queue later:
 * awaiting it costs two turns, exactly what any operation that completes at once costs,
 * so a loop of `checkpoint()` and a loop of `sleep(0)` take one step each in turn. When
 * the code is cancelled, or the event loop is due a turn, it is an operation like any
 * other: lazy (a `Cancelled` nobody awaits cannot become an unhandled rejection), and it
 * goes through the scheduler, which yields to the event loop when it must.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import type { Frame } from "./context";
import { operation, type Operation } from "./operation";

const RESOLVED: Promise<void> = Promise.resolve();

/** A checkpoint of the code running in `frame`. */
/** @internal */
export function checkpointIn(frame: Frame): Promise<void> {
  if (!frame._scope._cancelled && frame._task._runner._continueNow()) return RESOLVED.then();
  return operation("checkpoint", frame, checkpointBody, undefined, undefined);
}

function checkpointBody(op: Operation<void>): void {
  if (op.failIfCancelled()) return;
  op.now(undefined);
}

/** The time of the run `frame` belongs to, in seconds. */
/** @internal */
export function clockIn(frame: Frame): number {
  return frame._task._runner._clock.now();
}

/**
 * Whether the code running in `frame` has been cancelled: its next checkpoint would throw
 * `Cancelled`. Costs one field read; it neither yields nor throws.
 */
/** @internal */
export function cancelPendingIn(frame: Frame): boolean {
  return frame._scope._cancelled;
}
