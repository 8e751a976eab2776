/**
 * Conformance suites run over every primitive: one for exclusion and fairness over every
 * lock kind, one for cancel safety over every blocking method.
 */
import * as giambio from "giambio";
import { waitAllTasksBlocked } from "giambio/testing";
import { runMock } from "../support/giambio";

function named<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

// ---------------------------------------------------------------------------------------
// Exclusion and fairness

interface LockKind {
  make(): unknown;
  acquire(lock: unknown): Promise<void>;
  release(lock: unknown): void;
  hold(lock: unknown): Promise<giambio.Held>;
  waiting(lock: unknown): number;
}

const lockKinds: Array<[string, LockKind]> = [
  [
    "Lock",
    {
      make: () => new giambio.Lock(),
      acquire: (l) => (l as giambio.Lock).acquire(),
      release: (l) => (l as giambio.Lock).release(),
      hold: (l) => (l as giambio.Lock).hold(),
      waiting: (l) => (l as giambio.Lock).statistics().tasksWaiting,
    },
  ],
  [
    "Semaphore(1)",
    {
      make: () => new giambio.Semaphore(1, 1),
      acquire: (l) => (l as giambio.Semaphore).acquire(),
      release: (l) => (l as giambio.Semaphore).release(),
      hold: (l) => (l as giambio.Semaphore).hold(),
      waiting: (l) => (l as giambio.Semaphore).statistics().tasksWaiting,
    },
  ],
  [
    "CapacityLimiter(1)",
    {
      make: () => new giambio.CapacityLimiter(1),
      acquire: (l) => (l as giambio.CapacityLimiter).acquire(),
      release: (l) => (l as giambio.CapacityLimiter).release(),
      hold: (l) => (l as giambio.CapacityLimiter).hold(),
      waiting: (l) => (l as giambio.CapacityLimiter).statistics().tasksWaiting,
    },
  ],
  [
    "Condition's lock",
    {
      make: () => new giambio.Condition(),
      acquire: (l) => (l as giambio.Condition).acquire(),
      release: (l) => (l as giambio.Condition).release(),
      hold: (l) => (l as giambio.Condition).hold(),
      waiting: (l) => (l as giambio.Condition).statistics().lockStatistics.tasksWaiting,
    },
  ],
];

describe.each(lockKinds)("%s: exclusion and fairness", (_name, kind) => {
  it("lets one task in at a time, in the order they asked", async () => {
    await runMock(async () => {
      const lock = kind.make();
      const log: string[] = [];
      let inside = 0;
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < 5; i++) {
          nursery.spawn(async () => {
            await giambio.sleep(i * 0.01); // arrive in order 0..4
            await kind.acquire(lock);
            inside++;
            expect(inside).toBe(1);
            log.push(`in ${i}`);
            await giambio.sleep(1);
            inside--;
            kind.release(lock);
          });
        }
      });
      expect(log).toEqual(["in 0", "in 1", "in 2", "in 3", "in 4"]);
      expect(giambio.clock()).toBeCloseTo(5, 5);
    });
  });

  it("hands over on release: a task that asks after a waiter cannot barge in", async () => {
    await runMock(async () => {
      const lock = kind.make();
      const log: string[] = [];
      await kind.acquire(lock);
      await giambio.withNursery(async (nursery) => {
        nursery.spawn(async () => {
          await kind.acquire(lock);
          log.push("waiter");
          kind.release(lock);
        });
        await waitAllTasksBlocked();
        kind.release(lock); // handed to the waiter
        nursery.spawn(async () => {
          await kind.acquire(lock); // must queue behind
          log.push("latecomer");
          kind.release(lock);
        });
      });
      expect(log).toEqual(["waiter", "latecomer"]);
    });
  });

  it("hold() releases on dispose, also when the block throws", async () => {
    await runMock(async () => {
      const lock = kind.make();
      await expect(
        (async () => {
          await using _ = await kind.hold(lock);
          throw new Error("inside");
        })(),
      ).rejects.toThrow("inside");
      await kind.acquire(lock); // free again
      kind.release(lock);
      expect(kind.waiting(lock)).toBe(0);
    });
  });

  it("acquire() is a checkpoint even when free: cancelled code does not get it", async () => {
    await runMock(async () => {
      const lock = kind.make();
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        await kind.acquire(lock);
      });
      await kind.acquire(lock); // it was not taken
      kind.release(lock);
    });
  });
});

// ---------------------------------------------------------------------------------------
// Cancel safety of every blocking method

interface Blocking {
  /** An object on which `wait` blocks. */
  setup(): unknown;
  /** The blocking call; resolves with what the caller got. */
  wait(obj: unknown, who: string): Promise<unknown>;
  /** Lets exactly one waiter through (returns what it handed over, if anything). */
  free(obj: unknown, i: number): unknown;
  /** What a waiter does once through (give back what it took). */
  after(obj: unknown): void;
  waiting(obj: unknown): number;
  /** Statistics to compare. */
  settled(obj: unknown): unknown;
  /** What `settled` must say once every waiter is through and has given back what it took. */
  idle(obj: unknown): unknown;
}

const blocking: Array<[string, Blocking]> = [
  [
    "Lock.acquire",
    {
      setup: () => {
        const l = new giambio.Lock();
        l.acquireNoWait();
        return l;
      },
      wait: (l) => (l as giambio.Lock).acquire(),
      // The first free() is the holder's release; later waiters get it from the previous one.
      free: (l, i) => (i === 0 ? (l as giambio.Lock).release() : undefined),
      after: (l) => (l as giambio.Lock).release(),
      waiting: (l) => (l as giambio.Lock).statistics().tasksWaiting,
      settled: (l) => {
        const st = (l as giambio.Lock).statistics();
        return { ...st, owner: st.owner?.name ?? null };
      },
      idle: () => ({ locked: false, owner: null, tasksWaiting: 0 }),
    },
  ],
  [
    "Semaphore.acquire",
    {
      setup: () => new giambio.Semaphore(0, 3),
      wait: (s) => (s as giambio.Semaphore).acquire(),
      free: (s) => (s as giambio.Semaphore).release(),
      after: () => undefined,
      waiting: (s) => (s as giambio.Semaphore).statistics().tasksWaiting,
      settled: (s) => (s as giambio.Semaphore).statistics(),
      idle: () => ({ value: 0, max: 3, tasksWaiting: 0 }),
    },
  ],
  [
    "CapacityLimiter.acquire",
    {
      setup: () => {
        const c = new giambio.CapacityLimiter(1);
        c.acquireOnBehalfOfNoWait("holder");
        return c;
      },
      wait: (c) => (c as giambio.CapacityLimiter).acquire(),
      free: (c, i) =>
        i === 0 ? (c as giambio.CapacityLimiter).releaseOnBehalfOf("holder") : undefined, // the previous waiter releases its own token in after()
      after: (c) => (c as giambio.CapacityLimiter).release(),
      waiting: (c) => (c as giambio.CapacityLimiter).statistics().tasksWaiting,
      settled: (c) => (c as giambio.CapacityLimiter).statistics(),
      idle: () => ({ borrowedTokens: 0, totalTokens: 1, borrowers: [], tasksWaiting: 0 }),
    },
  ],
  [
    "Condition.wait",
    {
      setup: () => new giambio.Condition(),
      wait: async (c) => {
        const cond = c as giambio.Condition;
        await cond.acquire();
        try {
          await cond.wait();
        } finally {
          cond.release();
        }
      },
      free: (c) => {
        const cond = c as giambio.Condition;
        cond.acquireNoWait();
        cond.notify();
        cond.release();
      },
      after: () => undefined,
      waiting: (c) => (c as giambio.Condition).statistics().tasksWaiting,
      settled: (c) => {
        const st = (c as giambio.Condition).statistics();
        return {
          ...st,
          lockStatistics: { ...st.lockStatistics, owner: st.lockStatistics.owner?.name ?? null },
        };
      },
      idle: () => ({
        tasksWaiting: 0,
        lockStatistics: { locked: false, owner: null, tasksWaiting: 0 },
      }),
    },
  ],
  [
    "MemoryReceiveChannel.receive",
    {
      setup: () => giambio.openMemoryChannel<number>(0),
      wait: (ch) => (ch as ReturnType<typeof giambio.openMemoryChannel<number>>)[1].receive(),
      free: (ch, i) =>
        (ch as ReturnType<typeof giambio.openMemoryChannel<number>>)[0].sendNoWait(i),
      after: () => undefined,
      waiting: (ch) =>
        (ch as ReturnType<typeof giambio.openMemoryChannel<number>>)[1].statistics()
          .tasksWaitingReceive,
      settled: (ch) => (ch as ReturnType<typeof giambio.openMemoryChannel<number>>)[1].statistics(),
      idle: () => ({
        currentBufferUsed: 0,
        maxBufferSize: 0,
        openSendChannels: 1,
        openReceiveChannels: 1,
        tasksWaitingSend: 0,
        tasksWaitingReceive: 0,
      }),
    },
  ],
  [
    "MemorySendChannel.send",
    {
      setup: () => giambio.openMemoryChannel<string>(0),
      wait: async (ch, who) => {
        await (ch as ReturnType<typeof giambio.openMemoryChannel<string>>)[0].send(who);
        return who;
      },
      free: (ch) => (ch as ReturnType<typeof giambio.openMemoryChannel<string>>)[1].receiveNoWait(),
      after: () => undefined,
      waiting: (ch) =>
        (ch as ReturnType<typeof giambio.openMemoryChannel<string>>)[0].statistics()
          .tasksWaitingSend,
      settled: (ch) => (ch as ReturnType<typeof giambio.openMemoryChannel<string>>)[0].statistics(),
      idle: () => ({
        currentBufferUsed: 0,
        maxBufferSize: 0,
        openSendChannels: 1,
        openReceiveChannels: 1,
        tasksWaitingSend: 0,
        tasksWaitingReceive: 0,
      }),
    },
  ],
];

describe.each(blocking)("%s: cancel safety", (_name, kind) => {
  it("a waiter cancelled in the queue leaves it as if it had never asked; the others keep their order", async () => {
    await runMock(async () => {
      const obj = kind.setup();
      const served: string[] = [];
      const handed: unknown[] = [];
      const got: unknown[] = [];
      await giambio.withNursery(async (nursery) => {
        const tasks = new Map<string, giambio.Task>();
        for (const who of ["a", "b", "c"]) {
          tasks.set(
            who,
            nursery.spawn(
              named(who, async () => {
                got.push(await kind.wait(obj, who));
                served.push(who);
                kind.after(obj);
              }),
            ),
          );
          await waitAllTasksBlocked();
        }
        expect(kind.waiting(obj)).toBe(3);
        tasks.get("b")?.cancel();
        await waitAllTasksBlocked();
        expect(kind.waiting(obj)).toBe(2);
        for (let i = 0; i < 2; i++) {
          handed.push(kind.free(obj, i));
          await waitAllTasksBlocked();
        }
      });
      expect(served).toEqual(["a", "c"]);
      // Channels: nothing lost or duplicated, in order.
      if (handed.some((h) => typeof h === "string")) expect(handed).toEqual(["a", "c"]);
      if (got.some((g) => typeof g === "number")) expect(got).toEqual([0, 1]);
      expect(kind.settled(obj)).toEqual(kind.idle(obj));
    });
  });

  it("cancelled code that calls it gets Cancelled at once and changes nothing", async () => {
    await runMock(async () => {
      const obj = kind.setup();
      const initial = kind.settled(obj);
      const r = await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        await kind.wait(obj, "x");
        return "reached";
      });
      expect(r).toBeUndefined();
      expect(kind.settled(obj)).toEqual(initial);
    });
  });

  it("a waiter handed what it waited for keeps it, even if cancelled right after", async () => {
    await runMock(async () => {
      const obj = kind.setup();
      let through = false;
      const t = giambio.spawn(async () => {
        await kind.wait(obj, "w");
        through = true; // the hand-off stands; the cancellation comes at the next checkpoint
        kind.after(obj);
        await giambio.sleep(1);
      });
      await waitAllTasksBlocked();
      kind.free(obj, 0);
      t.cancel();
      await t.join().catch(() => undefined);
      expect(through).toBe(true);
      expect(kind.settled(obj)).toEqual(kind.idle(obj));
    });
  });
});
