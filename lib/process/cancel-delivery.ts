/**
 * What happens to a child process when the code waiting for it is cancelled.
 *
 * Why this shape (trio's `run_process`): the caller's `Cancelled` must not leave before the
 * child is gone, or a cancelled scope would leave a process running behind it. So a
 * cancelled wait opens a shielded scope, runs the delivery (`deliverCancel(process)`, by
 * default {@link terminateProcessGroup}) as a task beside an uncancellable wait for the
 * exit, cancels the delivery once the child has exited, and only then lets the
 * `Cancelled` through. The default's grace period is a giambio `sleep`, so it runs on the
 * run's clock: under a `MockClock` the 5 seconds are virtual.
 *
 * A second Ctrl-C cancels shielded scopes too: it cuts the grace period short (SIGKILL at
 * once), but the wait for the exit stays, since the child is then dying.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { isCancelled } from "../errors";
import { withNursery } from "../nursery";
import { sleep } from "../sleep";
import { withCancelScope } from "../timeouts";
import type { Process } from "./process";

/** How a cancelled process is stopped: it is called once, in a task of its own. */
export type DeliverCancel = (process: Process) => void | PromiseLike<void>;

/** Seconds between SIGTERM and SIGKILL, on the run's clock. */
export const KILL_GRACE = 5;

/**
 * @internal The default delivery: SIGTERM to the child's process group, then SIGKILL to
 * the group if the child has not exited `KILL_GRACE` seconds later.
 */
export async function terminateProcessGroup(proc: Process): Promise<void> {
  proc._signalGroup("SIGTERM");
  try {
    await sleep(KILL_GRACE);
  } finally {
    // After the grace period, or at once on a second Ctrl-C; nothing once it has exited.
    proc._signalGroup("SIGKILL");
  }
}

/**
 * @internal Waits for `proc` to exit. If the wait is cancelled, delivers the cancellation
 * (`deliver`, or {@link terminateProcessGroup} for `null`), waits until the child has
 * exited and been reaped, then rethrows the `Cancelled`; with the default delivery, what
 * is left of the child's process group is then killed too.
 *
 * @throws `Cancelled`, or the error of a `deliver` that failed (the group is then killed)
 */
export async function waitDeliveringCancel(
  proc: Process,
  deliver: DeliverCancel | null,
): Promise<number | null> {
  try {
    return await proc.wait();
  } catch (err) {
    if (!isCancelled(err)) throw err;
    await deliverCancel(proc, deliver);
    throw err;
  }
}

async function deliverCancel(proc: Process, deliver: DeliverCancel | null): Promise<void> {
  let failure: { error: unknown } | null = null;
  try {
    await withCancelScope(
      () =>
        withNursery(async (nursery) => {
          nursery.spawn(async function deliverCancel() {
            try {
              await (deliver ?? terminateProcessGroup)(proc);
            } catch (error) {
              if (isCancelled(error)) throw error;
              failure = { error };
              proc._signalGroup("SIGKILL");
            }
          });
          await proc._waitUncancellably();
          nursery.cancel();
        }),
      { shield: true },
    );
  } catch (err) {
    // A second Ctrl-C cancelled the shield: the child is gone all the same.
    if (!isCancelled(err)) throw err;
  }
  if (deliver === null) proc._killStragglers();
  if (failure !== null) throw (failure as { error: unknown }).error;
}
