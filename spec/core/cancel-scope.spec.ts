import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
import { Boom, outcome, runMock } from "../support/giambio";

describe("withCancelScope", () => {
  it("returns fn's value, or undefined when the scope absorbed its own Cancelled", async () => {
    await runMock(async () => {
      expect(await giambio.withCancelScope(async () => 5)).toBe(5);
      const v = await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        await giambio.checkpoint();
        return 6;
      });
      expect(v).toBeUndefined();
    });
  });

  it("gives fn the CancelScope, with its state", async () => {
    await runMock(async () => {
      let seen!: giambio.CancelScope;
      await giambio.withCancelScope(async (scope) => {
        seen = scope;
        expect(scope).toBeInstanceOf(giambio.CancelScope);
        expect([scope.cancelCalled, scope.cancelledCaught, scope.deadline, scope.shield]).toEqual([
          false,
          false,
          Infinity,
          false,
        ]);
        scope.cancel();
        expect(scope.cancelCalled).toBe(true);
        await giambio.sleep(1);
      });
      expect(seen.cancelledCaught).toBe(true);
    });
  });

  it("delivers cancellation at checkpoints only", async () => {
    await runMock(async () => {
      const log: string[] = [];
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        log.push("still running after cancel()");
        let sum = 0;
        for (let i = 0; i < 1000; i++) sum += i; // no checkpoint: no Cancelled
        log.push(`sum ${sum}`);
        await giambio.checkpoint();
        log.push("not reached");
      });
      expect(log).toEqual(["still running after cancel()", "sum 499500"]);
    });
  });

  it("is level-triggered: every checkpoint after cancellation throws, not just the first", async () => {
    await runMock(async () => {
      let count = 0;
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        for (let i = 0; i < 3; i++) {
          try {
            await giambio.checkpoint();
          } catch (e) {
            if (giambio.isCancelled(e)) count++;
          }
        }
        await giambio.sleep(1);
      });
      expect(count).toBe(3);
      expect(giambio.clock()).toBe(0);
    });
  });

  it("absorbs its Cancelled at its own exit and nowhere else", async () => {
    await runMock(async () => {
      const log: string[] = [];
      await giambio.withCancelScope(async (outer) => {
        await giambio.withCancelScope(async () => {
          outer.cancel();
          await giambio.checkpoint();
        });
        log.push("inner scope did not absorb outer's Cancelled");
      });
      expect(log).toEqual([]);
    });
  });

  it("when an inner and an outer scope are both cancelled, the outer one absorbs", async () => {
    await runMock(async () => {
      let inner!: giambio.CancelScope;
      let outer!: giambio.CancelScope;
      await giambio.withCancelScope(async (o) => {
        outer = o;
        await giambio.withCancelScope(async (i) => {
          inner = i;
          i.cancel();
          o.cancel();
          await giambio.checkpoint();
        });
      });
      expect([inner.cancelledCaught, outer.cancelledCaught]).toEqual([false, true]);
    });
  });

  it("cancels at its deadline; the default deadline is Infinity", async () => {
    await runMock(async () => {
      await giambio.withCancelScope(() => giambio.sleep(100), { deadline: 5 });
      expect(giambio.clock()).toBe(5);
    });
  });

  it("a scope whose deadline has already passed cancels at the first checkpoint inside, not at opening", async () => {
    await runMock(async () => {
      await giambio.sleep(10);
      const log: string[] = [];
      await giambio.withCancelScope(
        async () => {
          log.push("opened");
          await giambio.checkpoint();
          log.push("not reached");
        },
        { deadline: 3 },
      );
      expect(log).toEqual(["opened"]);
    });
  });

  it("deadlines nest: the earliest that applies wins", async () => {
    await runMock(async () => {
      await giambio.moveOnAfter(3, () => giambio.moveOnAfter(10, () => giambio.sleep(100)));
      expect(giambio.clock()).toBe(3);
      await giambio.moveOnAfter(10, () => giambio.moveOnAfter(2, () => giambio.sleep(100)));
      expect(giambio.clock()).toBe(5);
    });
  });

  it("a deadline changed while a task waits takes effect at once, earlier or later", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (n) => {
        let scope!: giambio.CancelScope;
        n.spawn(() =>
          giambio.withCancelScope(
            async (s) => {
              scope = s;
              await giambio.sleep(100);
            },
            { deadline: 50 },
          ),
        );
        await giambio.sleep(1);
        scope.deadline = 10; // earlier
      });
      expect(giambio.clock()).toBe(10);
      await giambio.withNursery(async (n) => {
        let scope!: giambio.CancelScope;
        n.spawn(() =>
          giambio.moveOnAfter(5, async (s) => {
            scope = s;
            await giambio.sleep(100);
          }),
        );
        await giambio.sleep(1);
        scope.deadline = giambio.clock() + 20; // later
      });
      expect(giambio.clock()).toBe(31);
      await giambio.withCancelScope(async (s) => {
        s.deadline = 0; // already passed: cancels
        await giambio.checkpoint();
        throw new Error("not reached");
      });
      await giambio.withCancelScope(async (s) => {
        s.deadline = giambio.clock() + 1;
        s.deadline = Infinity; // removes it
        await giambio.sleep(5);
      });
      expect(giambio.clock()).toBe(36);
    });
  });

  it("a shielded scope keeps out cancellation from outside, but not its own", async () => {
    await runMock(async () => {
      const log: string[] = [];
      await giambio.moveOnAfter(1, async () => {
        await giambio.withCancelScope(
          async () => {
            await giambio.sleep(5);
            log.push(`shielded sleep done at ${giambio.clock()}`);
          },
          { shield: true },
        );
        await giambio.checkpoint();
        log.push("not reached: the outer scope is cancelled");
      });
      const v = await giambio.withCancelScope(
        async (s) => {
          s.cancel();
          await giambio.sleep(1);
        },
        { shield: true },
      );
      expect(v).toBeUndefined();
      expect(log).toEqual(["shielded sleep done at 5"]);
    });
  });

  it("shield is settable while running: raising it protects, lowering it exposes", async () => {
    await runMock(async () => {
      const log: string[] = [];
      await giambio.moveOnAfter(1, async () => {
        await giambio.withCancelScope(async (s) => {
          await giambio.withNursery(async (n) => {
            n.spawn(async () => {
              await giambio.sleep(0.5);
              s.shield = true;
            });
            await giambio.sleep(3); // the deadline at 1 passes while shielded
            log.push(`survived to ${giambio.clock()}`);
            s.shield = false; // now the outer cancellation reaches in
            await giambio.checkpoint();
            log.push("not reached");
          });
        });
      });
      expect(log).toEqual(["survived to 3"]);
    });
  });

  it("lets code in finally do async cleanup under a shielded scope after cancellation", async () => {
    await runMock(async () => {
      const log: string[] = [];
      await giambio.moveOnAfter(1, async () => {
        try {
          await giambio.sleepForever();
        } finally {
          const unshielded = await outcome(giambio.sleep(1));
          log.push(`unshielded: ${giambio.isCancelled(unshielded.error)}`);
          await giambio.withCancelScope(() => giambio.sleep(2), { shield: true });
          log.push(`cleanup done at ${giambio.clock()}`);
        }
      });
      expect(log).toEqual(["unshielded: true", "cleanup done at 3"]);
    });
  });

  it("cancel(reason) keeps the reason on the Cancelled", async () => {
    await runMock(async () => {
      await giambio.withCancelScope(async (s) => {
        s.cancel("shutdown");
        const r = await outcome(giambio.checkpoint());
        expect(r.error).toBeInstanceOf(giambio.Cancelled);
        expect((r.error as giambio.Cancelled).reason).toBe("shutdown");
        expect((r.error as Error).message).toBe("cancelled: shutdown");
      });
    });
  });

  it("opening and closing a scope are not checkpoints", async () => {
    await runMock(async () => {
      await giambio.withCancelScope(async (outer) => {
        outer.cancel();
        const v = await giambio.withCancelScope(() => "no checkpoint inside");
        expect(v).toBe("no checkpoint inside");
      });
    });
  });

  it("two scopes may run concurrently in one task (Promise.all), each with its own deadline", async () => {
    await runMock(async () => {
      const results = await Promise.all([
        giambio.moveOnAfter(1, async () => {
          await giambio.sleep(5);
          return "a";
        }),
        giambio.moveOnAfter(10, async () => {
          await giambio.sleep(2);
          return "b";
        }),
      ]);
      expect(results).toEqual([undefined, "b"]);
      expect(giambio.clock()).toBe(2);
    });
  });

  it("lets other errors through", async () => {
    const err = new Boom();
    await runMock(async () => {
      const r = await outcome(
        giambio.withCancelScope(async (s) => {
          s.cancel();
          throw err;
        }),
      );
      expect(r.error).toBe(err);
    });
  });

  it("rejects bad arguments synchronously", async () => {
    await runMock(async () => {
      expect(() => giambio.withCancelScope(1 as never)).toThrow("Expected `fn` to be a function");
      expect(() => giambio.withCancelScope(() => 1, { deadline: NaN })).toThrow(
        /`options.deadline`/,
      );
      expect(() => giambio.withCancelScope(() => 1, { shield: "yes" as never })).toThrow(
        /`options.shield` to be a boolean/,
      );
      await giambio.withCancelScope((s) => {
        expect(() => {
          s.deadline = NaN;
        }).toThrow(/`deadline`/);
        expect(() => {
          s.shield = 1 as never;
        }).toThrow(/`shield` to be a boolean/);
      });
    });
  });
});

describe("moveOnAfter, moveOnAt, failAfter, failAt", () => {
  it("moveOnAfter returns fn's value in time, undefined when time ran out", async () => {
    await runMock(async () => {
      expect(
        await giambio.moveOnAfter(2, async () => {
          await giambio.sleep(1);
          return "ok";
        }),
      ).toBe("ok");
      expect(
        await giambio.moveOnAfter(2, async () => {
          await giambio.sleep(3);
          return "late";
        }),
      ).toBeUndefined();
      expect(giambio.clock()).toBe(3);
    });
  });

  it("moveOnAt uses an absolute deadline", async () => {
    await runMock(async () => {
      await giambio.moveOnAt(4, () => giambio.sleepForever());
      expect(giambio.clock()).toBe(4);
    });
  });

  it("failAfter and failAt throw TooSlowError when the deadline passes, and return the value otherwise", async () => {
    await runMock(async () => {
      expect(await giambio.failAfter(2, async () => "fast")).toBe("fast");
      const r = await outcome(giambio.failAfter(2, () => giambio.sleep(3)));
      expect(r.error).toBeInstanceOf(giambio.TooSlowError);
      expect((r.error as Error).name).toBe("TooSlowError");
      expect(giambio.clock()).toBe(2);
      const r2 = await outcome(giambio.failAt(10, () => giambio.sleepForever()));
      expect(r2.error).toBeInstanceOf(giambio.TooSlowError);
      expect(giambio.clock()).toBe(10);
    });
  });

  it("handles an hour-long timeout in milliseconds of real time on an autojumping MockClock", async () => {
    const clock = new MockClock({ autojump: true });
    const t0 = Date.now();
    await giambio.runWith({ clock }, () => giambio.moveOnAfter(3600, () => giambio.sleepForever()));
    expect(clock.now()).toBe(3600);
    expect(Date.now() - t0).toBeLessThan(5000); // generous: it is a handful of milliseconds
  });

  it("rejects bad arguments synchronously", async () => {
    await runMock(() => {
      expect(() => giambio.moveOnAfter(-1, () => 1)).toThrow(
        "Expected `seconds` to be a number >= 0, got `-1` (number)",
      );
      expect(() => giambio.failAfter(NaN, () => 1)).toThrow(/`seconds`/);
      expect(() => giambio.moveOnAt(NaN, () => 1)).toThrow(/`deadline`/);
      expect(() => giambio.failAt(1, null as never)).toThrow(/`fn` to be a function/);
    });
  });
});

describe("TooSlowError's message (SPEC §5)", () => {
  it("says which timeout expired: failAfter's seconds, failAt's deadline", async () => {
    await runMock(async () => {
      const after = await outcome(giambio.failAfter(1.5, () => giambio.sleep(5)));
      expect((after.error as Error).message).toBe(
        "failAfter(1.5) expired: the operation did not finish within 1.5 seconds",
      );
      const at = await outcome(giambio.failAt(giambio.clock() + 2, () => giambio.sleepForever()));
      expect((at.error as Error).message).toBe(
        "failAt(3.5) expired: the operation did not finish by its deadline, 3.5 on the run's clock",
      );
    });
  });
});
