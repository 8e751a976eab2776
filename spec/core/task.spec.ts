import * as giambio from "giambio";
import { Boom, outcome, runMock } from "../support/giambio";

describe("spawn", () => {
  it("starts the child in the next batch, not inside spawn()", async () => {
    const log: string[] = [];
    await runMock(async () => {
      const t = giambio.spawn(async () => {
        log.push("child runs");
      });
      log.push(`after spawn: ${t.state}`);
      await t.join();
    });
    expect(log).toEqual(["after spawn: pending", "child runs"]);
  });

  it("throws synchronously for a non-function, outside a run, and on a closed nursery", async () => {
    expect(() => giambio.spawn(async () => 1)).toThrow(/must be called from inside a task/);
    await runMock(async () => {
      expect(() => giambio.spawn("nope" as never)).toThrow(
        'Expected `fn` to be a function, got `"nope"` (string)',
      );
      let saved: giambio.Nursery | undefined;
      await giambio.withNursery((n) => {
        saved = n;
      });
      expect(() => saved!.spawn(async function late() {})).toThrow(
        /Cannot spawn "late": the nursery is closed/,
      );
    });
  });

  it("type-checks the arguments against the function", async () => {
    await runMock(async () => {
      const t = giambio.spawn(async (a: number, b: string) => a + b.length, 1, "ab");
      expect(await t.join()).toBe(3);
      // @ts-expect-error a string is not a number
      giambio.spawn(async (a: number) => a, "x").cancel();
    });
  });
});

describe("Task", () => {
  it("has a name, an id, a state, done, result and error", async () => {
    await runMock(async () => {
      async function worker(): Promise<number> {
        await giambio.sleep(1);
        return 7;
      }
      const t = giambio.spawn(worker);
      const anon = giambio.spawn(async () => {});
      expect(t.name).toBe("worker");
      expect(anon.name).toBe("<anonymous>");
      expect(anon.id).toBeGreaterThan(t.id);
      expect([t.state, t.done, t.result, t.error]).toEqual([
        "pending",
        false,
        undefined,
        undefined,
      ]);
      await giambio.checkpoint();
      await giambio.checkpoint();
      expect(t.state).toBe("running");
      expect(await t.join()).toBe(7);
      expect([t.state, t.done, t.result, t.error]).toEqual(["finished", true, 7, undefined]);
    });
  });

  it("counts as finished, and join() settles, only once its children have finished", async () => {
    await runMock(async () => {
      const parent = giambio.spawn(async () => {
        giambio.spawn(giambio.sleep, 5);
        return "parent value";
      });
      expect(await parent.join()).toBe("parent value");
      expect(giambio.clock()).toBe(5);
    });
  });

  it("reports failure: state, error, and join() rejects with the error itself", async () => {
    const err = new Boom();
    const r = await outcome(
      runMock(async () => {
        const t = giambio.spawn(async () => {
          await giambio.sleep(1);
          throw err;
        });
        const j = await outcome(t.join());
        expect(j.error).toBe(err);
        expect([t.state, t.error, t.done]).toEqual(["failed", err, true]);
      }),
    );
    // catching it at join() does not stop the parent from failing with it, once
    expect(r.error).toBe(err);
  });

  it("cancel() ends it cancelled, its join() rejects with TaskCancelledError, and the parent carries on", async () => {
    await runMock(async () => {
      const t = giambio.spawn(async () => {
        await giambio.sleepForever();
      });
      await giambio.sleep(1);
      t.cancel("enough");
      const j = await outcome(t.join());
      expect(j.error).toBeInstanceOf(giambio.TaskCancelledError);
      expect(giambio.isCancelled(j.error)).toBe(false);
      expect((j.error as Error).message).toMatch(/was cancelled/);
      expect(t.state).toBe("cancelled");
      await giambio.sleep(1);
      expect(giambio.clock()).toBe(2);
    });
  });

  it("cancel() also cancels the task's children", async () => {
    const log: string[] = [];
    await runMock(async () => {
      const t = giambio.spawn(async () => {
        giambio.spawn(async () => {
          try {
            await giambio.sleepForever();
          } finally {
            log.push("grandchild unwound");
          }
        });
        await giambio.sleepForever();
      });
      await giambio.sleep(1);
      t.cancel();
      await expect(t.join()).rejects.toBeInstanceOf(giambio.TaskCancelledError);
    });
    expect(log).toEqual(["grandchild unwound"]);
  });

  it("a task ended by its nursery's cancellation rejects join() with TaskCancelledError, not Cancelled", async () => {
    await runMock(async () => {
      let t!: giambio.Task;
      await giambio.withNursery(async (n) => {
        t = n.spawn(giambio.sleepForever);
        await giambio.sleep(1);
        n.cancel();
      });
      await expect(t.join()).rejects.toBeInstanceOf(giambio.TaskCancelledError);
    });
  });

  it("signal aborts when the task is cancelled", async () => {
    await runMock(async () => {
      const t = giambio.spawn(giambio.sleepForever);
      const signal = t.signal;
      expect(signal.aborted).toBe(false);
      t.cancel();
      expect(signal.aborted).toBe(true);
      expect(giambio.isCancelled(signal.reason)).toBe(true);
      await outcome(t.join());
    });
  });

  it("join() is a checkpoint even when the task is done", async () => {
    await runMock(async () => {
      const t = giambio.spawn(async () => 1);
      await t.join();
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        await t.join();
        throw new Error("not reached");
      });
    });
  });

  it("join() of a finished task works after the run has ended", async () => {
    const t = await runMock(async () => giambio.spawn(async () => 5));
    expect(await t.join()).toBe(5);
  });

  it("cancelling a join() loses nothing: the task goes on and can be joined again", async () => {
    await runMock(async () => {
      const t = giambio.spawn(async () => {
        await giambio.sleep(10);
        return "done";
      });
      expect(await giambio.moveOnAfter(1, () => t.join())).toBeUndefined();
      expect(t.state).toBe("running");
      expect(await t.join()).toBe("done");
    });
  });

  it("refuses to join itself or an ancestor", async () => {
    await runMock(async () => {
      const me = giambio.currentTask();
      expect(() => me.join()).toThrow(/cannot join itself/);
      const child = giambio.spawn(async () => {
        expect(() => me.join()).toThrow(/cannot join its ancestor/);
      });
      await child.join();
    });
  });

  it("a failing child cancels its parent's own code at its next checkpoint and the parent fails with the child's error", async () => {
    const err = new Boom();
    const log: string[] = [];
    await runMock(async () => {
      const parent = giambio.spawn(async () => {
        giambio.spawn(async () => {
          await giambio.sleep(1);
          throw err;
        });
        giambio.spawn(async () => {
          try {
            await giambio.sleepForever();
          } catch (e) {
            log.push(`sibling ${giambio.isCancelled(e)}`);
            throw e;
          }
        });
        try {
          await giambio.sleep(100);
        } catch (e) {
          log.push(`parent ${giambio.isCancelled(e)}`);
          throw e;
        }
      });
      const r = await outcome(parent.join());
      expect(r.error).toBe(err);
      expect(parent.state).toBe("failed");
      // the root's own implicit nursery got the failure too: absorb it here
    }).catch((e: unknown) => expect(e).toBe(err));
    expect(log.sort()).toEqual(["parent true", "sibling true"]);
  });

  it("if the task's function throws, its unfinished children are cancelled first", async () => {
    const err = new Boom();
    const log: string[] = [];
    const r = await outcome(
      runMock(async () => {
        giambio.spawn(async () => {
          try {
            await giambio.sleepForever();
          } finally {
            log.push("child cancelled");
          }
        });
        await giambio.sleep(1);
        throw err;
      }),
    );
    expect(r.error).toBe(err);
    expect(log).toEqual(["child cancelled"]);
  });

  it("reports two failures as a MultiError, in the order they happened", async () => {
    const a = new Boom("a");
    const b = new Boom("b");
    const r = await outcome(
      runMock(async () => {
        giambio.spawn(async () => {
          try {
            await giambio.sleepForever();
          } finally {
            await giambio.withCancelScope(
              async () => {
                throw b;
              },
              { shield: true },
            );
          }
        });
        giambio.spawn(async () => {
          await giambio.sleep(1);
          throw a;
        });
      }),
    );
    expect(r.error).toBeInstanceOf(giambio.MultiError);
    expect(r.error).toBeInstanceOf(AggregateError);
    expect((r.error as giambio.MultiError).errors).toEqual([a, b]);
  });

  it("reports an error object once, however many paths it travels", async () => {
    const err = new Boom();
    const r = await outcome(
      runMock(async () => {
        const child = giambio.spawn(async () => {
          await giambio.sleep(1);
          throw err;
        });
        await giambio.withCancelScope(
          async () => {
            await giambio.moveOnAfter(0, async () => {});
            try {
              await child.join();
            } catch (e) {
              throw e;
            } // rethrown: same object
          },
          { shield: true },
        );
      }),
    );
    expect(r.error).toBe(err);
  });
});

describe("currentTask", () => {
  it("returns the running task, and throws outside a run", async () => {
    expect(() => giambio.currentTask()).toThrow(
      /currentTask\(\) must be called from inside a task/,
    );
    await runMock(async () => {
      const root = giambio.currentTask();
      expect(root.name).toBe("<anonymous>");
      const t = giambio.spawn(async function inner() {
        return giambio.currentTask();
      });
      expect(await t.join()).toBe(t);
      await giambio.moveOnAfter(1, async () => expect(giambio.currentTask()).toBe(root));
    });
  });
});

describe("Task.result", () => {
  it("stays undefined until the task has finished, children included", async () => {
    await runMock(async () => {
      const t = giambio.spawn(async () => {
        giambio.spawn(giambio.sleep, 5);
        return "value";
      });
      await giambio.sleep(1);
      expect(t.state).toBe("running");
      expect(t.result).toBeUndefined();
      expect(await t.join()).toBe("value");
      expect(t.result).toBe("value");
    });
  });
});

describe("nursery.start in cancelled code", () => {
  it("is a checkpoint: it throws Cancelled and does not start the child", async () => {
    await runMock(async () => {
      let ran = false;
      await giambio.withNursery(async (nursery) => {
        const r = await giambio.withCancelScope(async (scope) => {
          scope.cancel();
          return nursery.start(async (status: giambio.TaskStatus<string>) => {
            ran = true;
            status.started("ready");
          });
        });
        expect(r).toBeUndefined();
        expect(nursery.children).toEqual([]);
      });
      expect(ran).toBe(false);
    });
  });
});
