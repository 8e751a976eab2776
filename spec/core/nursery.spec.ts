import * as giambio from "giambio";
import { Boom, outcome, runMock } from "../support/giambio";

describe("withNursery", () => {
  it("returns the body's value once every child has finished", async () => {
    await runMock(async () => {
      const v = await giambio.withNursery(async (n) => {
        n.spawn(giambio.sleep, 3);
        n.spawn(giambio.sleep, 1);
        return "body";
      });
      expect(v).toBe("body");
      expect(giambio.clock()).toBe(3);
    });
  });

  it("runs the body and the children under the nursery's cancel scope", async () => {
    await runMock(async () => {
      const log: string[] = [];
      const v = await giambio.withNursery(async (n) => {
        expect(giambio.currentSignal()).toBe(n.signal);
        expect(n.cancelScope.signal).toBe(n.signal);
        n.spawn(async () => {
          try {
            await giambio.sleepForever();
          } finally {
            log.push("child");
          }
        });
        await giambio.sleep(1);
        n.cancel();
        try {
          await giambio.sleepForever();
        } finally {
          log.push("body");
        }
      });
      expect(v).toBeUndefined();
      expect(log.sort()).toEqual(["body", "child"]);
      expect(giambio.clock()).toBe(1);
    });
  });

  it("cancels everything when a child fails and throws the error once all have finished", async () => {
    const err = new Boom();
    const log: string[] = [];
    await runMock(async () => {
      const r = await outcome(
        giambio.withNursery(async (n) => {
          n.spawn(async () => {
            await giambio.sleep(1);
            throw err;
          });
          n.spawn(async () => {
            try {
              await giambio.sleepForever();
            } finally {
              await giambio.withCancelScope(() => giambio.sleep(5), { shield: true });
              log.push("slow cleanup done");
            }
          });
          try {
            await giambio.sleepForever();
          } finally {
            log.push("body cancelled");
          }
        }),
      );
      expect(r.error).toBe(err);
      expect(giambio.clock()).toBe(6);
    });
    expect(log).toEqual(["body cancelled", "slow cleanup done"]);
  });

  it("cancels the children when the body throws, and throws the body's error", async () => {
    const err = new Boom();
    await runMock(async () => {
      const child = { unwound: false };
      const r = await outcome(
        giambio.withNursery(async (n) => {
          n.spawn(async () => {
            try {
              await giambio.sleepForever();
            } finally {
              child.unwound = true;
            }
          });
          await giambio.sleep(1);
          throw err;
        }),
      );
      expect(r.error).toBe(err);
      expect(child.unwound).toBe(true);
    });
  });

  it("throws a MultiError of every failure in order, never counting the cancellations it caused", async () => {
    const a = new Boom("a");
    const b = new Boom("b");
    await runMock(async () => {
      const r = await outcome(
        giambio.withNursery(async (n) => {
          n.spawn(async () => {
            await giambio.sleep(1);
            throw a;
          });
          n.spawn(async () => {
            try {
              await giambio.sleepForever();
            } finally {
              throw b;
            }
          });
          for (let i = 0; i < 3; i++) n.spawn(giambio.sleepForever);
        }),
      );
      expect(r.error).toBeInstanceOf(giambio.MultiError);
      expect((r.error as giambio.MultiError).errors).toEqual([a, b]);
      expect((r.error as Error).name).toBe("MultiError");
    });
  });

  it("is cancelled with an enclosing scope, and the Cancelled reaches that scope", async () => {
    await runMock(async () => {
      let after = false;
      const v = await giambio.moveOnAfter(2, async () => {
        await giambio.withNursery(async (n) => {
          n.spawn(giambio.sleepForever);
        });
        after = true;
      });
      expect(v).toBeUndefined();
      expect(after).toBe(false);
      expect(giambio.clock()).toBe(2);
    });
  });

  it("leaving is a checkpoint", async () => {
    await runMock(async () => {
      let after = false;
      await giambio.withCancelScope(async (scope) => {
        await giambio.withNursery(() => {
          scope.cancel();
        });
        after = true;
      });
      expect(after).toBe(false);
    });
  });

  it("spawn() inside the body puts children in the nursery", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (n) => {
        const t = giambio.spawn(giambio.sleep, 1);
        expect(n.children).toEqual([t]);
      });
      expect(giambio.clock()).toBe(1);
    });
  });

  it("lists its running children", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (n) => {
        const a = n.spawn(giambio.sleep, 1);
        const b = n.spawn(giambio.sleep, 2);
        expect(n.children).toEqual([a, b]);
        await a.join();
        expect(n.children).toEqual([b]);
      });
    });
  });

  it("two function-form nurseries may run concurrently in one task", async () => {
    await runMock(async () => {
      const [x, y] = await Promise.all([
        giambio.withNursery(async (n) => {
          n.spawn(giambio.sleep, 1);
          return "x";
        }),
        giambio.moveOnAfter(5, () =>
          giambio.withNursery(async (n) => {
            n.spawn(giambio.sleepForever);
          }),
        ),
      ]);
      expect([x, y, giambio.clock()]).toEqual(["x", undefined, 5]);
    });
  });

  it("rejects a non-function synchronously", async () => {
    await runMock(() => {
      expect(() => giambio.withNursery(1 as never)).toThrow(
        "Expected `fn` to be a function, got `1` (number)",
      );
    });
  });
});

describe("nursery.start", () => {
  it("resolves with the value passed to status.started() and leaves the child running in the nursery", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (n) => {
        const port = await n.start(async (status: giambio.TaskStatus<number>, base: number) => {
          await giambio.sleep(1);
          status.started(base + 1);
          await giambio.sleep(10);
        }, 8000);
        expect(port).toBe(8001);
        expect(giambio.clock()).toBe(1);
        expect(n.children).toHaveLength(1);
      });
      expect(giambio.clock()).toBe(11);
    });
  });

  it("throws the child's error if it fails before started(), and the nursery does not also report it", async () => {
    const err = new Boom();
    await runMock(async () => {
      const v = await giambio.withNursery(async (n) => {
        const r = await outcome(
          n.start(async () => {
            await giambio.sleep(1);
            throw err;
          }),
        );
        expect(r.error).toBe(err);
        return "nursery fine";
      });
      expect(v).toBe("nursery fine");
    });
  });

  it("throws a TypeError if the child returns without calling started()", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (n) => {
        await expect(n.start(async function lazy() {})).rejects.toThrow(
          /Task "lazy" returned without calling status.started\(\)/,
        );
      });
    });
  });

  it("throws a TypeError when started() is called twice", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (n) => {
        await n.start(async (status: giambio.TaskStatus) => {
          status.started();
          expect(() => status.started()).toThrow("status.started() was called twice");
        });
      });
    });
  });

  it("runs the child under the caller's scope until started(), then under the nursery's", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (n) => {
        // Before started(): the caller's timeout cancels the child.
        const early = await giambio.moveOnAfter(1, () =>
          n.start(async (status: giambio.TaskStatus) => {
            await giambio.sleep(5);
            status.started();
          }),
        );
        expect(early).toBeUndefined();
        expect(giambio.clock()).toBe(1);
        // After started(): the caller's timeout no longer reaches it.
        await giambio.moveOnAfter(1, () =>
          n.start(async (status: giambio.TaskStatus) => {
            status.started();
            await giambio.sleep(5);
          }),
        );
        expect(n.children).toHaveLength(1);
      });
      expect(giambio.clock()).toBe(6);
    });
  });

  it("a child cancelled by its nursery after started() is absorbed by the nursery", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (n) => {
        await n.start(async (status: giambio.TaskStatus) => {
          status.started();
          await giambio.sleepForever();
        });
        n.cancel();
      });
    });
  });

  it("a failure after started() is reported by the nursery", async () => {
    const err = new Boom();
    await runMock(async () => {
      const r = await outcome(
        giambio.withNursery(async (n) => {
          await n.start(async (status: giambio.TaskStatus) => {
            status.started();
            await giambio.sleep(1);
            throw err;
          });
        }),
      );
      expect(r.error).toBe(err);
    });
  });
});
