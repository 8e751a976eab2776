/**
 * SPEC §2 and §3 as amended: checkpoints are fair whatever operation they yield with, a
 * checkpoint that throws `Cancelled` still yields, any duration up to `Infinity` works, a
 * task starts in the async context of the code that started it, and an error object is
 * reported once per run.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
import { Boom, outcome, runMock } from "../support/giambio";
import { expectWarning } from "../support/warnings";

/** One step of a loop: the operation it awaits, and what it does after. */
interface Step {
  yieldWith: () => Promise<unknown>;
  after?: () => void;
}

/** Runs `steps` steps of each of the named loops and returns the order the steps ran in. */
async function interleaving(loops: Record<string, Step>, steps: number): Promise<string[]> {
  const order: string[] = [];
  await giambio.withNursery(async (nursery) => {
    for (const [name, { yieldWith, after }] of Object.entries(loops)) {
      nursery.spawn(async () => {
        for (let i = 0; i < steps; i++) {
          order.push(name);
          await yieldWith();
          after?.();
        }
      });
    }
  });
  return order;
}

/** Asserts that no name appears twice before every other has appeared once (per round). */
function expectRoundRobin(order: string[], names: string[]): void {
  for (let i = 0; i + names.length <= order.length; i += names.length) {
    expect(order.slice(i, i + names.length).sort()).toEqual([...names].sort());
  }
}

describe("fairness (SPEC §2)", () => {
  it("a loop of checkpoint() and a loop of sleep(0) take one step each in turn", async () => {
    await runMock(async () => {
      const order = await interleaving(
        {
          checkpoint: { yieldWith: () => giambio.checkpoint() },
          sleep0: { yieldWith: () => giambio.sleep(0) },
        },
        50,
      );
      expectRoundRobin(order, ["checkpoint", "sleep0"]);
    });
  });

  it("channel operations that need not wait, lock acquisitions and event waits take their turn too", async () => {
    await runMock(async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(Infinity);
      const event = new giambio.Event();
      event.set();
      const lock = new giambio.Lock();
      const order = await interleaving(
        {
          checkpoint: { yieldWith: () => giambio.checkpoint() },
          send: { yieldWith: () => send.send(1) },
          event: { yieldWith: () => event.wait() },
          lock: { yieldWith: () => lock.acquire(), after: () => lock.release() },
          sleep0: { yieldWith: () => giambio.sleep(0) },
        },
        40,
      );
      // The lock loop yields once per acquire, like every other loop.
      expectRoundRobin(order, ["checkpoint", "send", "event", "lock", "sleep0"]);
      expect(receive.statistics().currentBufferUsed).toBe(40);
    });
  });
});

describe("a checkpoint that throws Cancelled (SPEC §2)", () => {
  it.each([
    ["checkpoint()", () => giambio.checkpoint()],
    ["sleep(0)", () => giambio.sleep(0)],
    ["sleep(1)", () => giambio.sleep(1)],
  ])(
    "still yields: a loop that catches Cancelled from %s lets a setTimeout fire",
    async (_, op) => {
      await giambio.runWith({ handleSignals: false }, async () => {
        let fired = false;
        const timer = setTimeout(() => {
          fired = true;
        }, 1);
        let spins = 0;
        try {
          await giambio.withCancelScope(async (scope) => {
            scope.cancel();
            while (!fired && spins < 2_000_000) {
              try {
                await op();
              } catch (err) {
                if (!giambio.isCancelled(err)) throw err;
              }
              spins++;
            }
          });
        } finally {
          clearTimeout(timer);
        }
        expect(fired).toBe(true);
      });
    },
  );

  it("is lazy: a cancelled checkpoint() never awaited is reported, and is no unhandled rejection", async () => {
    const warnings = await expectWarning(
      () =>
        runMock(async () => {
          await giambio.withCancelScope(async (scope) => {
            scope.cancel();
            void giambio.checkpoint();
            void giambio.sleep(1);
          });
        }),
      "never awaited",
    );
    expect(warnings.map((w) => w.message.split(" was")[0])).toEqual([
      "giambio.checkpoint()",
      "giambio.sleep()",
    ]);
    await new Promise((r) => setImmediate(r));
  });
});

describe("durations up to Infinity (SPEC §2)", () => {
  const MAX_HOST_MS = 2 ** 31 - 1;

  it.each([
    ["30 days", 30 * 86400],
    ["1e308 seconds", 1e308],
  ])(
    "a sleep of %s arms a host timer that does not overflow, and warns of nothing",
    async (_, seconds) => {
      const spy = jest.spyOn(global, "setTimeout");
      try {
        await giambio.runWith({ handleSignals: false }, async () => {
          await giambio.withNursery(async (nursery) => {
            const sleeper = nursery.spawn(giambio.sleep, seconds);
            await giambio.sleep(0.002);
            expect(sleeper.state).toBe("running");
            nursery.cancel();
          });
        });
        const delays = spy.mock.calls.map((call) => call[1] ?? 0);
        expect(delays.length).toBeGreaterThan(0);
        for (const ms of delays) expect(ms).toBeLessThanOrEqual(MAX_HOST_MS);
        // Not re-armed over and over: the 2 ms sleep plus the long one, a handful at most.
        expect(delays.length).toBeLessThan(10);
      } finally {
        spy.mockRestore();
      }
    },
  );

  it("a sleep of Infinity, sleepUntil(1e308) and a deadline of 1e308 wait on the virtual clock", async () => {
    const clock = new MockClock();
    await runMock(async () => {
      await giambio.withNursery(async (nursery) => {
        const a = nursery.spawn(giambio.sleep, Infinity);
        const b = nursery.spawn(giambio.sleepUntil, 1e308);
        const c = nursery.spawn(() => giambio.moveOnAt(1e308, () => giambio.sleepForever()));
        clock.jump(365 * 86400);
        await giambio.sleep(0);
        expect([a.state, b.state, c.state]).toEqual(["running", "running", "running"]);
        nursery.cancel();
      });
    }, clock);
  });
});

describe("async context (SPEC §3)", () => {
  const requestId = new AsyncLocalStorage<string>();

  type Body = () => Promise<string | undefined>;
  it.each([
    ["spawn", (_n: giambio.Nursery, fn: Body) => giambio.spawn(fn)],
    ["nursery.spawn", (n: giambio.Nursery, fn: Body) => n.spawn(fn)],
  ])(
    "a task started with %s sees the store of the code that spawned it, even two contexts in one tick",
    async (_, start) => {
      await runMock(async () => {
        await giambio.withNursery(async (nursery) => {
          const tasks = ["first", "second", "third"].map((id) =>
            requestId.run(id, () => start(nursery, async () => requestId.getStore())),
          );
          const seen = await Promise.all(tasks.map((t) => t.join()));
          expect(seen).toEqual(["first", "second", "third"]);
        });
      });
    },
  );

  it("a task started with nursery.start sees the store of its starter", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (nursery) => {
        const seen = await Promise.all(
          ["a", "b"].map((id) =>
            requestId.run(id, () =>
              nursery.start(async (status: giambio.TaskStatus<string | undefined>) => {
                status.started(requestId.getStore());
              }),
            ),
          ),
        );
        expect(seen).toEqual(["a", "b"]);
      });
    });
  });
});

describe("an error reported once per run (SPEC §3)", () => {
  it("a task that joins a failed sibling and rethrows, while a cousin fails in finally, gives each error once", async () => {
    const e = new Boom("E");
    const f = new Boom("F");
    const r = await outcome(
      runMock(async () => {
        await giambio.withNursery(async (outer) => {
          let failing: giambio.Task | undefined;
          outer.spawn(async function inner() {
            await giambio.withNursery(async (n) => {
              failing = n.spawn(async () => {
                await giambio.sleep(1);
                throw e;
              });
              n.spawn(async function cousin() {
                try {
                  await giambio.sleepForever();
                } finally {
                  throw f;
                }
              });
            });
          });
          outer.spawn(async function joiner() {
            await giambio.sleep(0.5);
            await (failing as giambio.Task).join();
          });
        });
      }),
    );
    expect(r.error).toBeInstanceOf(giambio.MultiError);
    expect((r.error as giambio.MultiError).errors).toEqual([e, f]);
  });

  it("never holds the same error twice at any depth", async () => {
    const e = new Boom("E");
    const r = await outcome(
      runMock(async () => {
        await giambio.withNursery(async (n) => {
          const t = n.spawn(async () => {
            await giambio.sleep(1);
            throw e;
          });
          n.spawn(async () => {
            await giambio.withNursery(async (m) => {
              m.spawn(() => t.join());
              m.spawn(() => t.join());
            });
          });
        });
      }),
    );
    expect(r.error).toBe(e);
  });
});
