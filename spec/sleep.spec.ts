import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
import { runMock } from "./support/giambio";

describe("clock", () => {
  it("returns seconds from the run's clock, and throws a clear error outside a run", async () => {
    expect(() => giambio.clock()).toThrow("giambio.clock() must be called from inside a task");
    const clock = new MockClock({ start: 5 });
    await giambio.runWith({ clock }, () => expect(giambio.clock()).toBe(5));
  });

  it("is monotonic in seconds on the real clock", async () => {
    await giambio.run(async () => {
      const a = giambio.clock();
      await giambio.checkpoint();
      const b = giambio.clock();
      expect(b).toBeGreaterThanOrEqual(a);
      expect(Math.abs(a - performance.now() / 1000)).toBeLessThan(1);
    });
  });
});

describe("sleep", () => {
  it("sleeps for the given number of seconds of virtual time", async () => {
    await runMock(async () => {
      await giambio.sleep(1.5);
      expect(giambio.clock()).toBe(1.5);
      await giambio.sleep(0);
      expect(giambio.clock()).toBe(1.5);
    });
  });

  it("throws synchronously, before any await, for bad arguments", async () => {
    await runMock(() => {
      expect(() => giambio.sleep(-1)).toThrow(RangeError);
      expect(() => giambio.sleep(-1)).toThrow(
        "Expected `seconds` to be a number >= 0, got `-1` (number)",
      );
      expect(() => giambio.sleep(NaN)).toThrow(
        "Expected `seconds` to be a number >= 0, got `NaN` (number)",
      );
      expect(() => giambio.sleep("1" as never)).toThrow(TypeError);
      expect(() => giambio.sleepUntil(NaN)).toThrow(/`deadline`/);
    });
    expect(() => giambio.sleep(-1)).toThrow(RangeError);
  });

  it("without await does not sleep", async () => {
    await runMock(async () => {
      const p = giambio.sleep(2);
      expect(giambio.clock()).toBe(0);
      await p;
    });
  });

  it("with Infinity sleeps until cancelled", async () => {
    await runMock(async () => {
      const r = await giambio.moveOnAfter(7, () => giambio.sleep(Infinity));
      expect(r).toBeUndefined();
      expect(giambio.clock()).toBe(7);
    });
  });
});

describe("sleepUntil and sleepForever", () => {
  it("sleepUntil wakes at the deadline; a past deadline is a plain checkpoint", async () => {
    await runMock(async () => {
      await giambio.sleepUntil(10);
      expect(giambio.clock()).toBe(10);
      await giambio.sleepUntil(3);
      expect(giambio.clock()).toBe(10);
    });
  });

  it("sleepForever ends only by cancellation", async () => {
    await runMock(async () => {
      await giambio.moveOnAfter(1000, () => giambio.sleepForever());
      expect(giambio.clock()).toBe(1000);
    });
  });
});

describe("checkpoint", () => {
  it("delivers a pending cancellation", async () => {
    await runMock(async () => {
      let reached = false;
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        await giambio.checkpoint();
        reached = true;
      });
      expect(reached).toBe(false);
    });
  });

  it("lets other ready tasks run", async () => {
    const log: string[] = [];
    await runMock(async () => {
      await giambio.withNursery(async (n) => {
        n.spawn(async () => {
          for (let i = 0; i < 3; i++) {
            log.push(`a${i}`);
            await giambio.checkpoint();
          }
        });
        n.spawn(async () => {
          for (let i = 0; i < 3; i++) {
            log.push(`b${i}`);
            await giambio.checkpoint();
          }
        });
      });
    });
    expect(log).toEqual(["a0", "b0", "a1", "b1", "a2", "b2"]);
  });

  it("throws a clear error outside a run", () => {
    expect(() => giambio.checkpoint()).toThrow(/must be called from inside a task/);
  });
});
