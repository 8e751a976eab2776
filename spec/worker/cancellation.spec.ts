/**
 * runInWorker under cancellation (SPEC §11): "terminate" after `grace` seconds on the run's
 * clock (virtual here: a MockClock the spec jumps by hand), "wait", and the worker's side,
 * `checkCancelled()` and `workerSignal()` from `giambio/worker`.
 *
 * The worker functions (spec/fixtures/worker-cancel.cjs) report through shared memory when
 * they have started and how they ended, so no spec waits for a real-time window.
 */
import * as giambio from "giambio";
import { MockClock, waitAllTasksBlocked } from "giambio/testing";
import { liveWorkers } from "../../lib/worker/pool";
import { runMock } from "../support/giambio";
import {
  CALLS,
  CANCEL,
  CHECKED,
  FINISHED,
  SIGNALLED,
  sharedView,
  store,
  waitForValue,
} from "./support";

afterEach(() => {
  expect(liveWorkers()).toBe(0);
});

interface Cancelling {
  /** What the call ended with: its value, or the error it threw (a Cancelled is absorbed). */
  readonly log: string[];
  readonly view: Int32Array;
}

/**
 * Starts `name` of worker-cancel.cjs in a cancel scope, waits until it runs, cancels the
 * scope, then runs `then` while the call winds down; logs how the call ended.
 */
async function cancelWhileRunning(
  name: string,
  options: giambio.RunInWorkerOptions,
  then: (state: Cancelling) => Promise<void>,
): Promise<Cancelling> {
  const state: Cancelling = { log: [], view: sharedView() };
  await giambio.withNursery(async (nursery) => {
    let scope: giambio.CancelScope | undefined;
    nursery.spawn(async () => {
      await giambio.withCancelScope(async (s) => {
        scope = s;
        try {
          state.log.push(
            `returned ${String(await giambio.runInWorker(CANCEL, name, [state.view], options))}`,
          );
        } catch (err) {
          state.log.push(`threw ${(err as Error).name} (workers alive: ${liveWorkers()})`);
          throw err;
        }
      });
      state.log.push(`scope left at ${giambio.clock()}`);
    });
    await waitForValue(state.view, 0, 1);
    scope?.cancel();
    await then(state);
  });
  return state;
}

describe('cancel: "terminate" (the default)', () => {
  it("terminates a worker spinning without checking once grace has passed on the run's clock, then throws Cancelled", async () => {
    const clock = new MockClock();
    await runMock(async () => {
      const { log, view } = await cancelWhileRunning("spinForever", {}, async ({ log }) => {
        await waitAllTasksBlocked();
        clock.jump(0.099);
        await waitAllTasksBlocked();
        expect(log).toEqual([]); // still running inside the grace
        expect(liveWorkers()).toBe(1);
        clock.jump(0.001);
      });
      expect(log).toEqual(["threw Cancelled (workers alive: 0)", "scope left at 0.1"]);
      expect(Atomics.load(view, 1)).toBe(0);
      // The pool replaces the worker it lost.
      expect(await giambio.runInWorker(CALLS, "add", [2, 2])).toBe(4);
    }, clock);
  });

  it("takes its grace from options.grace", async () => {
    const clock = new MockClock({ autojump: true });
    await runMock(async () => {
      const { log } = await cancelWhileRunning("spinForever", { grace: 2.5 }, async () => {});
      expect(log).toEqual(["threw Cancelled (workers alive: 0)", "scope left at 2.5"]);
    }, clock);
  });

  it("lets a call that notices within grace end by itself, and keeps its worker", async () => {
    const clock = new MockClock();
    await runMock(async () => {
      const before = await giambio.runInWorker(CANCEL, "probe");
      expect(before).toEqual({ aborted: false, thrown: null });
      const { log, view } = await cancelWhileRunning("spinChecking", {}, async () => {});
      expect(log).toEqual(["threw Cancelled (workers alive: 1)", "scope left at 0"]);
      expect(Atomics.load(view, 1)).toBe(CHECKED);
    }, clock);
  });
});

describe('cancel: "wait"', () => {
  it("lets the call run to its end, however long, then throws Cancelled", async () => {
    await runMock(async () => {
      const { log, view } = await cancelWhileRunning(
        "blockUntilReleased",
        { cancel: "wait" },
        async ({ log, view }) => {
          await giambio.sleep(3600); // virtual: far beyond any grace
          expect(log).toEqual([]);
          expect(liveWorkers()).toBe(1);
          store(view, 2, 1);
        },
      );
      expect(Atomics.load(view, 1)).toBe(FINISHED);
      expect(log).toEqual(["threw Cancelled (workers alive: 1)", "scope left at 3600"]);
    });
  });
});

describe("the worker's side (giambio/worker)", () => {
  it("workerSignal() aborts as soon as the caller is cancelled, with a Cancelled reason", async () => {
    const clock = new MockClock();
    await runMock(async () => {
      const { log, view } = await cancelWhileRunning("waitForSignal", {}, async () => {});
      expect(Atomics.load(view, 1)).toBe(SIGNALLED);
      expect(log).toEqual(["threw Cancelled (workers alive: 1)", "scope left at 0"]);
    }, clock);
  });

  it('workerSignal() aborts under cancel: "wait" too', async () => {
    const clock = new MockClock();
    await runMock(async () => {
      const { view } = await cancelWhileRunning(
        "waitForSignal",
        { cancel: "wait" },
        async () => {},
      );
      expect(Atomics.load(view, 1)).toBe(SIGNALLED);
    }, clock);
  });

  it("checkCancelled() throws in a loop that never yields", async () => {
    await runMock(async () => {
      const { view } = await cancelWhileRunning("spinChecking", { cancel: "wait" }, async () => {});
      expect(Atomics.load(view, 1)).toBe(CHECKED);
    });
  });

  it("an error the call throws while it winds down is thrown instead of Cancelled", async () => {
    const clock = new MockClock();
    await runMock(async () => {
      let caught: unknown;
      try {
        await cancelWhileRunning("failWhenCancelled", {}, async () => {});
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RangeError);
      expect((caught as Error).message).toBe("cleanup failed");
    }, clock);
  });
});
