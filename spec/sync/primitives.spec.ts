import * as giambio from "giambio";
import { waitAllTasksBlocked } from "giambio/testing";
import { outcome, runMock } from "../support/giambio";

describe("Event", () => {
  it("wakes every waiter when set, and stays set", async () => {
    await runMock(async () => {
      const ev = new giambio.Event();
      const woke: number[] = [];
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < 3; i++) {
          nursery.spawn(async () => {
            await ev.wait();
            woke.push(i);
          });
        }
        await waitAllTasksBlocked();
        expect(ev.statistics()).toEqual({ tasksWaiting: 3 });
        expect(ev.isSet()).toBe(false);
        ev.set();
        ev.set(); // idempotent
      });
      expect(woke).toEqual([0, 1, 2]);
      expect(ev.isSet()).toBe(true);
      await ev.wait(); // returns at once (after a checkpoint)
      expect(giambio.clock()).toBe(0);
    });
  });
});

describe("Lock", () => {
  it("names the rule when misused", async () => {
    await runMock(async () => {
      const lock = new giambio.Lock();
      expect(() => lock.release()).toThrow(
        /Lock\.release\(\) was called by task ".*", which does not hold the lock/,
      );
      await lock.acquire();
      expect(lock.locked()).toBe(true);
      expect(lock.statistics().owner).toBe(giambio.currentTask());
      expect((await outcome(lock.acquire())).error).toEqual(
        expect.objectContaining({ message: expect.stringMatching(/not re-entrant/) as string }),
      );
      expect(() => lock.acquireNoWait()).toThrow(/not re-entrant/);
      const other = giambio.spawn(async () => {
        expect(() => lock.acquireNoWait()).toThrow(giambio.WouldBlock);
        expect(() => lock.release()).toThrow(/does not hold the lock/);
      });
      await other.join();
      lock.release();
      expect(lock.statistics()).toEqual({ locked: false, owner: null, tasksWaiting: 0 });
    });
  });
});

describe("Semaphore", () => {
  it("counts permits, hands them over in FIFO order, and refuses to pass its max", async () => {
    await runMock(async () => {
      const sem = new giambio.Semaphore(2, 2);
      await sem.acquire();
      sem.acquireNoWait();
      expect(sem.value).toBe(0);
      expect(() => sem.acquireNoWait()).toThrow(giambio.WouldBlock);
      const order: number[] = [];
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < 2; i++) {
          nursery.spawn(async () => {
            await sem.acquire();
            order.push(i);
          });
        }
        await waitAllTasksBlocked();
        expect(sem.statistics()).toEqual({ value: 0, max: 2, tasksWaiting: 2 });
        sem.release();
        sem.release();
      });
      expect(order).toEqual([0, 1]);
      sem.release();
      sem.release();
      expect(() => sem.release()).toThrow(/would raise the value past its max \(2\)/);
      expect(new giambio.Semaphore(0).statistics().max).toBe(Infinity);
    });
  });

  it("rejects bad arguments, naming them", () => {
    expect(() => new giambio.Semaphore(-1)).toThrow(
      "Expected `initial` to be an integer >= 0, got `-1` (number)",
    );
    expect(() => new giambio.Semaphore(1.5)).toThrow(RangeError);
    expect(() => new giambio.Semaphore("1" as never)).toThrow(TypeError);
    expect(() => new giambio.Semaphore(3, 2)).toThrow(
      "Expected `initial` to be at most `max` (2), got `3` (number)",
    );
    expect(() => new giambio.Semaphore(0, 0)).toThrow("Expected `max` to be an integer >= 1");
  });
});

describe("CapacityLimiter", () => {
  it("tracks tokens per borrower, and a borrower may not take two", async () => {
    await runMock(async () => {
      const limiter = new giambio.CapacityLimiter(2);
      await limiter.acquire();
      expect((await outcome(limiter.acquire())).error).toEqual(
        expect.objectContaining({
          message: expect.stringMatching(/already holds a token/) as string,
        }),
      );
      await limiter.acquireOnBehalfOf("job-1");
      expect(limiter.statistics()).toEqual({
        borrowedTokens: 2,
        totalTokens: 2,
        borrowers: [giambio.currentTask(), "job-1"],
        tasksWaiting: 0,
      });
      expect(limiter.availableTokens).toBe(0);
      expect(() => limiter.acquireOnBehalfOfNoWait("job-2")).toThrow(giambio.WouldBlock);
      expect(() => limiter.releaseOnBehalfOf("job-9")).toThrow(
        /release\(\) was called for borrower `"job-9"` \(string\), which holds no token/,
      );
      limiter.releaseOnBehalfOf("job-1");
      limiter.release();
      expect(limiter.borrowedTokens).toBe(0);
    });
  });

  it("totalTokens can change while running: raising it wakes waiters at once", async () => {
    await runMock(async () => {
      const limiter = new giambio.CapacityLimiter(1);
      limiter.acquireOnBehalfOfNoWait("holder");
      let through = 0;
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < 3; i++) {
          nursery.spawn(async () => {
            await limiter.acquire();
            through++;
          });
        }
        await waitAllTasksBlocked();
        expect(through).toBe(0);
        limiter.totalTokens = 3;
        await waitAllTasksBlocked();
        expect(through).toBe(2);
        limiter.totalTokens = 1; // lowering takes effect as tokens come back
        expect(limiter.availableTokens).toBe(0);
        limiter.releaseOnBehalfOf("holder");
        await waitAllTasksBlocked();
        expect(through).toBe(2); // still 2 borrowed > 1 total
        nursery.cancel();
      });
    });
  });

  it("rejects 0 tokens, naming the argument", () => {
    expect(() => new giambio.CapacityLimiter(0)).toThrow(
      "Expected `totalTokens` to be an integer >= 1 or Infinity, got `0` (number)",
    );
    const l = new giambio.CapacityLimiter(Infinity);
    expect(() => (l.totalTokens = -2)).toThrow(RangeError);
  });
});

describe("Condition", () => {
  it("wait() releases the lock, and takes it back before returning; notify wakes in FIFO order", async () => {
    await runMock(async () => {
      const cond = new giambio.Condition();
      const queue: number[] = [];
      const got: string[] = [];
      await giambio.withNursery(async (nursery) => {
        for (const who of ["a", "b"]) {
          nursery.spawn(async () => {
            await using _ = await cond.hold();
            while (queue.length === 0) await cond.wait();
            expect(cond.locked()).toBe(true);
            got.push(`${who}:${queue.shift()}`);
          });
        }
        await waitAllTasksBlocked();
        expect(cond.statistics().tasksWaiting).toBe(2);
        expect(cond.locked()).toBe(false);
        await cond.acquire();
        queue.push(1, 2);
        cond.notifyAll();
        cond.release();
      });
      expect(got).toEqual(["a:1", "b:2"]);
    });
  });

  it("a cancelled wait() still takes the lock back before it throws", async () => {
    await runMock(async () => {
      const cond = new giambio.Condition();
      const t = giambio.spawn(async () => {
        await cond.acquire();
        try {
          await cond.wait();
        } finally {
          expect(cond.statistics().lockStatistics.owner).toBe(giambio.currentTask());
          cond.release();
        }
      });
      await waitAllTasksBlocked();
      await cond.acquire(); // the waiter released it
      t.cancel();
      await waitAllTasksBlocked(); // it now waits for the lock, uncancellably
      expect(t.done).toBe(false);
      cond.release();
      await expect(t.join()).rejects.toBeInstanceOf(giambio.TaskCancelledError);
    });
  });

  it("names the rule when misused", async () => {
    await runMock(async () => {
      const cond = new giambio.Condition();
      expect(() => cond.wait()).toThrow(/does not hold the condition's lock/);
      expect(() => cond.notify()).toThrow(/does not hold the condition's lock/);
      expect(() => new giambio.Condition({} as giambio.Lock)).toThrow(
        "Expected `lock` to be a giambio Lock",
      );
    });
  });
});

describe("Semaphore's max", () => {
  it("accepts Infinity, as statistics() reports for an unbounded semaphore", () => {
    const sem = new giambio.Semaphore(1, Infinity);
    expect(sem.statistics().max).toBe(Infinity);
    expect(new giambio.Semaphore(1).statistics().max).toBe(Infinity);
  });
});
