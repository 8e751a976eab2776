import * as giambio from "giambio";
import { MockClock, waitAllTasksBlocked } from "giambio/testing";
import { runMock } from "../support/giambio";

describe("waitAllTasksBlocked", () => {
  it("returns once every other task is blocked", async () => {
    await giambio.run(async () => {
      const log: string[] = [];
      await giambio.withNursery(async (nursery) => {
        nursery.spawn(async () => {
          for (let i = 0; i < 100; i++) await giambio.checkpoint();
          log.push("busy done");
          await giambio.sleepForever();
        });
        nursery.spawn(async () => {
          log.push("sleeper parked");
          await giambio.sleepForever();
        });
        await waitAllTasksBlocked();
        expect(log).toEqual(["sleeper parked", "busy done"]);
        nursery.cancel();
      });
    });
  });

  it("counts a task awaiting a foreign promise through cancellable() as blocked", async () => {
    await giambio.run(async () => {
      let release!: () => void;
      const foreign = new Promise<void>((resolve) => (release = resolve));
      const task = giambio.spawn(() => giambio.cancellable(foreign));
      await waitAllTasksBlocked();
      expect(task.state).toBe("running");
      release();
      await task.join();
    });
  });

  it("counts a task waiting for its children as blocked", async () => {
    await runMock(async () => {
      const parent = giambio.spawn(async () => {
        giambio.spawn(giambio.sleepForever);
      });
      await waitAllTasksBlocked();
      expect(parent.state).toBe("running");
      parent.cancel();
    });
  });

  it("wakes the waiter with the smallest cushion first, one per idle period", async () => {
    await giambio.run(async () => {
      const order: number[] = [];
      await giambio.withNursery(async (nursery) => {
        for (const c of [0.002, 0, 0.001]) {
          nursery.spawn(async () => {
            await waitAllTasksBlocked(c);
            order.push(c);
          });
        }
      });
      expect(order).toEqual([0, 0.001, 0.002]);
    });
  });

  it("returns before an autojumping MockClock jumps", async () => {
    await runMock(async () => {
      giambio.spawn(() => giambio.sleep(10));
      await waitAllTasksBlocked();
      expect(giambio.clock()).toBe(0);
      await giambio.sleep(20);
      expect(giambio.clock()).toBe(20);
    });
  });

  it("lets time stand still without autojump: the test steps the clock", async () => {
    const clock = new MockClock();
    await giambio.runWith({ clock, handleSignals: false }, async () => {
      let woke = false;
      giambio.spawn(async () => {
        await giambio.sleep(5);
        woke = true;
      });
      await waitAllTasksBlocked();
      clock.jump(4.9);
      await waitAllTasksBlocked();
      expect(woke).toBe(false);
      clock.jump(0.1);
      await waitAllTasksBlocked();
      expect(woke).toBe(true);
    });
  });

  it("is a checkpoint: a cancelled caller gets Cancelled, and the waiter is dropped", async () => {
    await runMock(async () => {
      let waiting: giambio.CancelScope | undefined;
      const busy = giambio.spawn(async () => {
        // Never blocked, so waitAllTasksBlocked() cannot return by itself.
        for (let i = 0; ; i++) {
          if (i === 50) waiting?.cancel();
          await giambio.checkpoint();
        }
      });
      const r = await giambio.withCancelScope(async (scope) => {
        waiting = scope;
        await waitAllTasksBlocked();
        return "returned";
      });
      expect(r).toBeUndefined();
      expect(waiting?.cancelledCaught).toBe(true);
      busy.cancel();
    });
  });

  it("rejects a bad cushion at the call", async () => {
    await runMock(async () => {
      expect(() => waitAllTasksBlocked(-1)).toThrow(
        "Expected `cushion` to be a number >= 0, got `-1` (number)",
      );
      expect(() => waitAllTasksBlocked(NaN)).toThrow(TypeError);
    });
    expect(() => waitAllTasksBlocked()).toThrow(/must be called from inside a task/);
  });
});
