/**
 * The scheduler's promises to the host: one host timer for every sleep and deadline of a
 * run, and a busy loop of checkpoints never starves timers or I/O.
 */
import * as giambio from "giambio";
import { runMock } from "../support/giambio";

function hostTimeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
}

describe("the scheduler", () => {
  it("drives every sleep and deadline of a run with a single host timer", async () => {
    const before = hostTimeouts();
    let during = -1;
    await giambio.run(async () => {
      const base = hostTimeouts(); // the run's keep-alive handle
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < 1000; i++) {
          nursery.spawn(() => giambio.moveOnAfter(3600 + i, () => giambio.sleep(1800 + i)));
        }
        await giambio.checkpoint();
        await giambio.checkpoint();
        during = hostTimeouts() - base;
        nursery.cancel();
      });
    });
    expect(during).toBe(1);
    expect(hostTimeouts()).toBe(before);
  });

  it("never starves timers and I/O: a task spinning on checkpoints lets a setTimeout run", async () => {
    await giambio.run(async () => {
      let fired = false;
      const timer = setTimeout(() => {
        fired = true;
      }, 1);
      let spins = 0;
      try {
        // Without the yield policy the timer could never fire; the cap turns that into a
        // failure instead of a hang (the test's own timeout is a timer, starved too).
        while (!fired && spins < 5_000_000) {
          await giambio.checkpoint();
          spins++;
        }
      } finally {
        clearTimeout(timer);
      }
      expect(fired).toBe(true);
      expect(spins).toBeGreaterThan(0);
    });
  });

  it("never starves I/O callbacks: setImmediate runs while tasks spin on checkpoints", async () => {
    await runMock(async () => {
      let ran = false;
      setImmediate(() => {
        ran = true;
      });
      await giambio.withNursery(async (nursery) => {
        for (let t = 0; t < 4; t++) {
          nursery.spawn(async () => {
            for (let i = 0; !ran && i < 1_000_000; i++) await giambio.checkpoint();
          });
        }
      });
      expect(ran).toBe(true);
    });
  });

  it("starts spawned tasks in the next batch, in spawn order", async () => {
    await runMock(async () => {
      const order: number[] = [];
      for (let i = 0; i < 5; i++) giambio.spawn(async () => void order.push(i));
      expect(order).toEqual([]);
      await giambio.sleep(0);
      expect(order).toEqual([0, 1, 2, 3, 4]);
    });
  });
});

describe("runWith({ turnBudget })", () => {
  /** Spins `spins` checkpoints; returns whether a setTimeout(0) armed first got to run. */
  async function timerRanDuring(spins: number): Promise<boolean> {
    let fired = false;
    const timer = setTimeout(() => (fired = true), 0);
    try {
      for (let i = 0; i < spins && !fired; i++) await giambio.checkpoint();
      return fired;
    } finally {
      clearTimeout(timer);
    }
  }

  it("Infinity never yields to the event loop: a spinning task keeps timers waiting", async () => {
    const fired = await giambio.runWith({ handleSignals: false, turnBudget: Infinity }, () =>
      timerRanDuring(300_000),
    );
    expect(fired).toBe(false);
  });

  it("a small budget yields often: the timer runs while the task spins", async () => {
    const fired = await giambio.runWith({ handleSignals: false, turnBudget: 0.0001 }, () =>
      timerRanDuring(5_000_000),
    );
    expect(fired).toBe(true);
  });

  it("refuses a budget that is not a number of seconds > 0, at the call", () => {
    expect(() => giambio.runWith({ turnBudget: 0 }, () => {})).toThrow(RangeError);
    expect(() => giambio.runWith({ turnBudget: "5" as never }, () => {})).toThrow(
      "Expected `options.turnBudget` to be a number of seconds > 0",
    );
  });
});
