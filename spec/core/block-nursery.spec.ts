/**
 * The block form of a nursery, `await using nursery = openNursery()`: one spec per case of
 * SPEC §4. (On Node 20, TypeScript downlevels `await using`; the same cases run with native
 * syntax on Node 24.)
 */
import * as giambio from "giambio";
import { Boom, outcome, runMock } from "../support/giambio";

interface Suppressed {
  name: string;
  error: unknown;
  suppressed: unknown;
}

describe("openNursery (the block form)", () => {
  it("join() waits for every child, including ones spawned meanwhile, then closes the nursery", async () => {
    await runMock(async () => {
      let saved!: giambio.Nursery;
      {
        await using nursery = giambio.openNursery();
        saved = nursery;
        nursery.spawn(async () => {
          await giambio.sleep(1);
          nursery.spawn(giambio.sleep, 2);
        });
        await nursery.join();
        expect(giambio.clock()).toBe(3);
      }
      expect(() => saved.spawn(async () => {})).toThrow(/the nursery is closed/);
    });
  });

  it("spawn() inside the block puts children in the block's nursery", async () => {
    await runMock(async () => {
      await using nursery = giambio.openNursery();
      const t = giambio.spawn(giambio.sleep, 1);
      expect(nursery.children).toEqual([t]);
      await nursery.join();
    });
  });

  it("join() throws a child's failure once every child has finished", async () => {
    const err = new Boom();
    await runMock(async () => {
      const log: string[] = [];
      const r = await outcome(
        (async () => {
          await using nursery = giambio.openNursery();
          nursery.spawn(async () => {
            await giambio.sleep(1);
            throw err;
          });
          nursery.spawn(async () => {
            try {
              await giambio.sleepForever();
            } finally {
              await giambio.withCancelScope(() => giambio.sleep(2), { shield: true });
              log.push("sibling done");
            }
          });
          await nursery.join();
        })(),
      );
      expect(r.error).toBe(err);
      expect(log).toEqual(["sibling done"]);
      expect(giambio.clock()).toBe(3);
    });
  });

  it("join() throws a MultiError when several children failed", async () => {
    const a = new Boom("a");
    const b = new Boom("b");
    await runMock(async () => {
      const r = await outcome(
        (async () => {
          await using nursery = giambio.openNursery();
          nursery.spawn(async () => {
            await giambio.sleep(1);
            throw a;
          });
          nursery.spawn(async () => {
            try {
              await giambio.sleepForever();
            } finally {
              throw b;
            }
          });
          await nursery.join();
        })(),
      );
      expect((r.error as giambio.MultiError).errors).toEqual([a, b]);
    });
  });

  it("when an enclosing scope is cancelled, join() waits for the cancelled children, then throws Cancelled", async () => {
    await runMock(async () => {
      const log: string[] = [];
      const v = await giambio.moveOnAfter(1, async () => {
        await using nursery = giambio.openNursery();
        nursery.spawn(async () => {
          try {
            await giambio.sleepForever();
          } finally {
            await giambio.withCancelScope(() => giambio.sleep(2), { shield: true });
            log.push("child unwound");
          }
        });
        try {
          await nursery.join();
        } catch (e) {
          log.push(`join threw ${(e as Error).name}`);
          throw e;
        }
      });
      expect(v).toBeUndefined();
      expect(log).toEqual(["child unwound", "join threw Cancelled"]);
      expect(giambio.clock()).toBe(3);
    });
  });

  it("delivers a child's failure itself into the block's code at its next checkpoint, and the disposer adds nothing", async () => {
    const err = new Boom();
    await runMock(async () => {
      const log: string[] = [];
      const r = await outcome(
        (async () => {
          await using nursery = giambio.openNursery();
          nursery.spawn(async () => {
            await giambio.sleep(1);
            throw err;
          });
          nursery.spawn(async () => {
            try {
              await giambio.sleepForever();
            } finally {
              await giambio.withCancelScope(() => giambio.sleep(2), { shield: true });
              log.push("sibling unwound");
            }
          });
          try {
            await giambio.sleep(100); // blocked when the child fails
          } catch (e) {
            log.push(e === err ? "block got the failure" : `block got ${String(e)}`);
            throw e;
          }
        })(),
      );
      expect(r.error).toBe(err); // not a SuppressedError, not Cancelled
      expect(log).toEqual(["block got the failure", "sibling unwound"]);
      expect(giambio.clock()).toBe(3); // the block ended only after the sibling finished
    });
  });

  it("delivers the failure at a checkpoint inside a scope nested in the block", async () => {
    const err = new Boom();
    await runMock(async () => {
      const r = await outcome(
        (async () => {
          await using nursery = giambio.openNursery();
          nursery.spawn(async () => {
            await giambio.sleep(1);
            throw err;
          });
          await giambio.moveOnAfter(50, () => giambio.sleep(100));
        })(),
      );
      expect(r.error).toBe(err);
    });
  });

  it("if the block catches the failure and goes on, its next checkpoint throws Cancelled and the disposer throws the failure again", async () => {
    const err = new Boom();
    await runMock(async () => {
      const log: string[] = [];
      const r = await outcome(
        (async () => {
          await using nursery = giambio.openNursery();
          nursery.spawn(async () => {
            await giambio.sleep(1);
            throw err;
          });
          try {
            await giambio.sleep(100);
          } catch (e) {
            log.push(e === err ? "caught failure" : "?");
          }
          try {
            await giambio.checkpoint();
          } catch (e) {
            log.push((e as Error).name);
            throw e;
          }
        })(),
      );
      expect(log).toEqual(["caught failure", "Cancelled"]);
      const s = r.error as Suppressed;
      expect(s.name).toBe("SuppressedError");
      expect(s.error).toBe(err);
      expect(giambio.isCancelled(s.suppressed)).toBe(true);
    });
  });

  it("a child failing later still, while the disposer waits, is thrown by the disposer", async () => {
    const first = new Boom("first");
    const later = new Boom("later");
    await runMock(async () => {
      const r = await outcome(
        (async () => {
          await using nursery = giambio.openNursery();
          nursery.spawn(async () => {
            await giambio.sleep(1);
            throw first;
          });
          nursery.spawn(async () => {
            try {
              await giambio.sleepForever();
            } finally {
              await giambio.withCancelScope(() => giambio.sleep(1), { shield: true });
              throw later; // fails while being cancelled, after the block got `first`
            }
          });
          await giambio.sleep(100);
        })(),
      );
      const s = r.error as Suppressed;
      expect(s.name).toBe("SuppressedError");
      expect(s.error).toBe(later);
      expect(s.suppressed).toBe(first);
    });
  });

  it("a forgotten join(): the children are cancelled and awaited, and the disposer throws NurseryError with how many", async () => {
    await runMock(async () => {
      const log: string[] = [];
      const r = await outcome(
        (async () => {
          await using nursery = giambio.openNursery();
          for (let i = 0; i < 3; i++) {
            nursery.spawn(async () => {
              try {
                await giambio.sleepForever();
              } finally {
                log.push(`child ${i}`);
              }
            });
          }
          await giambio.sleep(1);
        })(),
      );
      expect(r.error).toBeInstanceOf(giambio.NurseryError);
      expect((r.error as giambio.NurseryError).cancelled).toBe(3);
      expect((r.error as Error).message).toMatch(
        /3 children were still running and `await nursery.join\(\)` had not been awaited/,
      );
      expect(log.sort()).toEqual(["child 0", "child 1", "child 2"]);
    });
  });

  it("a return from the block while children run is the same forgotten join()", async () => {
    await runMock(async () => {
      const r = await outcome(
        (async (): Promise<string> => {
          await using nursery = giambio.openNursery();
          nursery.spawn(giambio.sleepForever);
          return "early";
        })(),
      );
      expect((r.error as giambio.NurseryError).cancelled).toBe(1);
    });
  });

  it("leaving with an exception while children run: SuppressedError of the NurseryError and the block's error", async () => {
    const err = new Boom();
    await runMock(async () => {
      const r = await outcome(
        (async () => {
          await using nursery = giambio.openNursery();
          nursery.spawn(giambio.sleepForever);
          await giambio.sleep(1);
          throw err;
        })(),
      );
      const s = r.error as Suppressed;
      expect(s.name).toBe("SuppressedError");
      expect(s.error).toBeInstanceOf(giambio.NurseryError);
      expect(s.suppressed).toBe(err);
    });
  });

  it("a child's failure that has not reached the block is thrown by the disposer, never lost", async () => {
    const err = new Boom();
    await runMock(async () => {
      const r = await outcome(
        (async () => {
          await using nursery = giambio.openNursery();
          nursery.spawn(async () => {
            throw err;
          });
          nursery.spawn(giambio.sleepForever);
          // The block leaves without a checkpoint after the failure: nothing delivered it.
          await giambio.withCancelScope(() => giambio.sleep(1), { shield: true });
        })(),
      );
      expect(r.error).toBe(err);
    });
  });

  it("when an enclosing scope is cancelled, the disposer cancels and awaits the children and adds nothing, so moveOnAfter moves on", async () => {
    await runMock(async () => {
      const log: string[] = [];
      const v = await giambio.moveOnAfter(1, async () => {
        await using nursery = giambio.openNursery();
        nursery.spawn(async () => {
          try {
            await giambio.sleepForever();
          } finally {
            log.push("child");
          }
        });
        await giambio.sleepForever();
      });
      expect(v).toBeUndefined();
      expect(log).toEqual(["child"]);
    });
  });

  it("leaving without join() when no child is still running throws nothing", async () => {
    await runMock(async () => {
      {
        await using nursery = giambio.openNursery();
        nursery.spawn(giambio.sleep, 1);
        await giambio.sleep(2);
      }
      {
        await using _empty = giambio.openNursery();
      }
    });
  });

  it("the block's code runs under the nursery's scope and signal", async () => {
    await runMock(async () => {
      await using nursery = giambio.openNursery();
      expect(giambio.currentSignal()).toBe(nursery.signal);
      await nursery.join();
    });
  });

  it("restores the enclosing scope and nursery when the block ends", async () => {
    await runMock(async () => {
      const outer = giambio.currentSignal();
      {
        await using nursery = giambio.openNursery();
        nursery.spawn(async () => {});
        await nursery.join();
      }
      expect(giambio.currentSignal()).toBe(outer);
      const t = giambio.spawn(async () => {});
      await t.join();
    });
  });

  it("a nursery from openNursery() that is never disposed fails its task with NurseryError after cancelling its children", async () => {
    const log: string[] = [];
    let joined: { value?: unknown; error?: unknown } = {};
    const r = await outcome(
      runMock(async () => {
        const t = giambio.spawn(async () => {
          const nursery = giambio.openNursery();
          nursery.spawn(async () => {
            try {
              await giambio.sleepForever();
            } finally {
              log.push("child");
            }
          });
        });
        joined = await outcome(t.join());
      }),
    );
    expect(joined.error).toBeInstanceOf(giambio.NurseryError);
    expect((joined.error as Error).message).toMatch(/never disposed/);
    expect(r.error).toBe(joined.error);
    expect(log).toEqual(["child"]);
  });

  it("join() is only for the block form", async () => {
    await runMock(async () => {
      await giambio.withNursery((n) => {
        expect(() => n.join()).toThrow(/join\(\) is for the block form/);
      });
    });
  });
});
