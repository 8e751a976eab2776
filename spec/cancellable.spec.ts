import { once, EventEmitter } from "node:events";
import { setTimeout as delay } from "node:timers/promises";
import * as giambio from "giambio";
import { Boom, outcome, runMock } from "./support/giambio";

describe("currentSignal", () => {
  it("aborts when the scope or an enclosing scope is cancelled", async () => {
    await runMock(async () => {
      await giambio.withCancelScope(async (outer) => {
        const outerSignal = giambio.currentSignal();
        await giambio.withCancelScope(async () => {
          const inner = giambio.currentSignal();
          expect(inner).not.toBe(outerSignal);
          expect(inner.aborted).toBe(false);
          outer.cancel("bye");
          expect(inner.aborted).toBe(true);
          expect(outerSignal.aborted).toBe(true);
          expect(inner.reason).toBeInstanceOf(giambio.Cancelled);
          expect((inner.reason as giambio.Cancelled).reason).toBe("bye");
        });
      });
    });
  });

  it("is not aborted when a shield keeps the cancellation out", async () => {
    await runMock(async () => {
      await giambio.withCancelScope(async (outer) => {
        await giambio.withCancelScope(
          async () => {
            outer.cancel();
            expect(giambio.currentSignal().aborted).toBe(false);
          },
          { shield: true },
        );
      });
    });
  });

  it("is created aborted inside a scope that is already cancelled", async () => {
    await runMock(async () => {
      await giambio.withCancelScope(async (s) => {
        s.cancel();
        expect(giambio.currentSignal().aborted).toBe(true);
      });
    });
  });

  it("gives a fresh signal after a shield is raised over an aborted one", async () => {
    await runMock(async () => {
      await giambio.withCancelScope(async (outer) => {
        await giambio.withCancelScope(async (inner) => {
          outer.cancel();
          const old = giambio.currentSignal();
          inner.shield = true;
          expect(old.aborted).toBe(true);
          expect(giambio.currentSignal().aborted).toBe(false);
        });
      });
    });
  });

  it("aborts a real Node API (timers/promises setTimeout) exactly when giambio cancels, and the scope absorbs it", async () => {
    // Real time: the host timer is an hour long, the cancellation comes from an immediate.
    await giambio.runWith({ handleSignals: false }, async () => {
      const result = await giambio.withCancelScope(async (scope) => {
        setImmediate(() => scope.cancel());
        await delay(3_600_000, "late", { signal: giambio.currentSignal() });
        return "not reached";
      });
      expect(result).toBeUndefined();
    });
  });

  it("the AbortError those APIs throw passes isCancelled()", async () => {
    await giambio.runWith({ handleSignals: false }, async () => {
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        const r = await outcome(delay(3_600_000, undefined, { signal: giambio.currentSignal() }));
        expect((r.error as Error).name).toBe("AbortError");
        expect(giambio.isCancelled(r.error)).toBe(true);
      });
    });
  });

  it("works with events.once", async () => {
    await runMock(async () => {
      const emitter = new EventEmitter();
      const v = await giambio.moveOnAfter(1, () =>
        giambio.cancellable(once(emitter, "never", { signal: giambio.currentSignal() })),
      );
      expect(v).toBeUndefined();
      expect(emitter.listenerCount("never")).toBe(0);
    });
  });

  it("throws outside a run", () => {
    expect(() => giambio.currentSignal()).toThrow(
      /currentSignal\(\) must be called from inside a task/,
    );
  });
});

describe("cancellable", () => {
  it("awaits a foreign promise and returns its value", async () => {
    await runMock(async () => {
      expect(await giambio.cancellable(Promise.resolve(3))).toBe(3);
      expect(
        await giambio.cancellable(async (signal) => {
          expect(signal.aborted).toBe(false);
          return 4;
        }),
      ).toBe(4);
    });
  });

  it("rethrows the foreign promise's error", async () => {
    const err = new Boom();
    await runMock(async () => {
      expect((await outcome(giambio.cancellable(Promise.reject(err)))).error).toBe(err);
      expect(
        (
          await outcome(
            giambio.cancellable(() => {
              throw err;
            }),
          )
        ).error,
      ).toBe(err);
    });
  });

  it("throws Cancelled at once on cancellation, without waiting for the foreign promise", async () => {
    await runMock(async () => {
      let resolveForeign!: (v: string) => void;
      const foreign = new Promise<string>((r) => {
        resolveForeign = r;
      });
      const v = await giambio.moveOnAfter(5, () => giambio.cancellable(foreign));
      expect(v).toBeUndefined();
      expect(giambio.clock()).toBe(5); // the task counted as blocked: autojump moved time
      resolveForeign("too late"); // ignored, no unhandled anything
    });
  });

  it("the function form aborts the signal it gave", async () => {
    await runMock(async () => {
      let given!: AbortSignal;
      const v = await giambio.moveOnAfter(1, () =>
        giambio.cancellable((signal) => {
          given = signal;
          return new Promise((_, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason)),
          );
        }),
      );
      expect(v).toBeUndefined();
      expect(given.aborted).toBe(true);
      expect(giambio.isCancelled(given.reason)).toBe(true);
    });
  });

  it("a foreign rejection after cancellation is not an unhandled rejection", async () => {
    await runMock(async () => {
      let rejectForeign!: (e: unknown) => void;
      const foreign = new Promise((_, r) => {
        rejectForeign = r;
      });
      await giambio.moveOnAfter(1, () => giambio.cancellable(foreign));
      rejectForeign(new Boom("late"));
      await giambio.sleep(1);
    });
  });

  it("does not call the function when already cancelled", async () => {
    await runMock(async () => {
      let called = false;
      await giambio.withCancelScope(async (s) => {
        s.cancel();
        await giambio.cancellable(async () => {
          called = true;
        });
      });
      expect(called).toBe(false);
    });
  });

  it("rejects what is neither a promise nor a function, synchronously", async () => {
    await runMock(() => {
      expect(() => giambio.cancellable(5 as never)).toThrow(
        "Expected `what` to be a promise or a function returning one, got `5` (number)",
      );
      expect(() => giambio.cancellable(null as never)).toThrow(/got `null` \(null\)/);
    });
  });
});
