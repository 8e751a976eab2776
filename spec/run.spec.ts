import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
import { Boom, outcome, runMock } from "./support/giambio";

describe("run", () => {
  it("runs the function with its arguments and resolves with its value", async () => {
    const result = await giambio.run(async (a: number, b: string) => `${a}${b}`, 1, "x");
    expect(result).toBe("1x");
  });

  it("accepts a synchronous function", async () => {
    expect(await giambio.run(() => 42)).toBe(42);
  });

  it("settles only after every task the root started has finished", async () => {
    const log: string[] = [];
    await runMock(async () => {
      giambio.spawn(async () => {
        await giambio.sleep(10);
        giambio.spawn(async () => {
          await giambio.sleep(5);
          log.push("grandchild");
        });
        log.push("child");
      });
      log.push("root returns");
    });
    expect(log).toEqual(["root returns", "child", "grandchild"]);
  });

  it("rejects with the root task's error", async () => {
    const err = new Boom();
    await expect(
      giambio.run(async () => {
        throw err;
      }),
    ).rejects.toBe(err);
  });

  it("rejects with a child's error after cancelling the root's body", async () => {
    const err = new Boom();
    const log: string[] = [];
    const r = await outcome(
      runMock(async () => {
        giambio.spawn(async () => {
          await giambio.sleep(1);
          throw err;
        });
        try {
          await giambio.sleep(100);
        } catch (e) {
          log.push(giambio.isCancelled(e) ? "root cancelled" : "other");
          throw e;
        }
      }),
    );
    expect(r.error).toBe(err);
    expect(log).toEqual(["root cancelled"]);
  });

  it("throws a TypeError naming the rule when called inside a running task", async () => {
    await runMock(async () => {
      expect(() => giambio.run(async () => 1)).toThrow(TypeError);
      expect(() => giambio.run(async () => 1)).toThrow(
        /inside a running task.*spawn\(\) or a nursery/,
      );
    });
  });

  it("lets two independent runs live side by side", async () => {
    const clockA = new MockClock({ autojump: true });
    const clockB = new MockClock({ autojump: true });
    const order: string[] = [];
    const a = runMock(async () => {
      await giambio.sleep(1);
      order.push(`a:${giambio.clock()}:${giambio.currentTask().name}`);
      return "a";
    }, clockA);
    const b = runMock(async function second() {
      await giambio.sleep(2);
      order.push(`b:${giambio.clock()}:${giambio.currentTask().name}`);
      return "b";
    }, clockB);
    expect(await Promise.all([a, b])).toEqual(["a", "b"]);
    expect(order.sort()).toEqual(["a:1:<anonymous>", "b:2:second"]);
  });

  it("rejects bad arguments synchronously", () => {
    expect(() => giambio.run(5 as never)).toThrow(
      "Expected `fn` to be a function, got `5` (number)",
    );
    expect(() => giambio.runWith(null as never, async () => 1)).toThrow(
      /`options` to be an object/,
    );
    expect(() => giambio.runWith({ clock: {} as never }, async () => 1)).toThrow(/`options.clock`/);
    expect(() => giambio.runWith({ signal: "x" as never }, async () => 1)).toThrow(
      /`options.signal` to be an AbortSignal/,
    );
    expect(() => giambio.runWith({ handleSignals: 1 as never }, async () => 1)).toThrow(
      /`options.handleSignals` to be a boolean/,
    );
  });
});

describe("runWith", () => {
  it("keeps virtual time with a MockClock", async () => {
    const clock = new MockClock({ autojump: true, start: 100 });
    const seen = await giambio.runWith({ clock }, async () => {
      const t0 = giambio.clock();
      await giambio.sleep(3600);
      return [t0, giambio.clock()];
    });
    expect(seen).toEqual([100, 3700]);
  });

  it("cancels the whole run when the outside signal aborts, and rejects with its reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    const cleanups: string[] = [];
    const clock = new MockClock();
    const p = giambio.runWith({ clock, signal: controller.signal }, async () => {
      giambio.spawn(async () => {
        try {
          await giambio.sleepForever();
        } finally {
          cleanups.push("child");
        }
      });
      try {
        await giambio.sleepForever();
      } finally {
        cleanups.push("root");
      }
    });
    setImmediate(() => controller.abort(reason));
    await expect(p).rejects.toBe(reason);
    expect(cleanups.sort()).toEqual(["child", "root"]);
  });

  it("starts cancelled when the outside signal has already aborted", async () => {
    const reason = new Error("early");
    const p = giambio.runWith({ signal: AbortSignal.abort(reason) }, async () => {
      await giambio.checkpoint();
      return "not reached";
    });
    await expect(p).rejects.toBe(reason);
  });

  it("removes its abort listener when the run ends", async () => {
    const controller = new AbortController();
    await giambio.runWith({ signal: controller.signal }, async () => 1);
    // If the listener were still there, aborting would cancel a finished run's scope.
    controller.abort();
    expect(controller.signal.aborted).toBe(true);
  });

  it("installs a SIGINT handler only while running, unless handleSignals is false", async () => {
    const before = process.listenerCount("SIGINT");
    await giambio.run(async () => {
      expect(process.listenerCount("SIGINT")).toBe(before + 1);
    });
    expect(process.listenerCount("SIGINT")).toBe(before);
    await giambio.runWith({ handleSignals: false }, async () => {
      expect(process.listenerCount("SIGINT")).toBe(before);
    });
  });
});

describe("Ctrl-C handling across runs (SPEC §1)", () => {
  it("adds one SIGINT listener to the process however many runs are alive, and removes it with the last", async () => {
    const before = process.listenerCount("SIGINT");
    const controllers = Array.from({ length: 11 }, () => new AbortController());
    let during = -1;
    const runs = controllers.map((c) =>
      giambio.runWith({ signal: c.signal }, () => giambio.sleepForever()).catch(() => undefined),
    );
    await new Promise((resolve) => setImmediate(resolve));
    during = process.listenerCount("SIGINT");
    for (const c of controllers) c.abort();
    await Promise.all(runs);
    expect(during).toBe(before + 1);
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});
