/**
 * SPEC §2: a giambio operation that is never awaited does not run, and is reported
 * deterministically, by the time its task next yields or ends.
 */
import * as fs from "node:fs";
import * as giambio from "giambio";
import { waitAllTasksBlocked } from "giambio/testing";
import { MockClock } from "giambio/testing";
import { runMock as runDefault } from "./support/giambio";

/** The 1-based line of this file that contains `text`. */
function lineOf(text: string): number {
  return (
    fs
      .readFileSync(__filename, "utf8")
      .split("\n")
      .findIndex((l) => l.includes(text)) + 1
  );
}

/** Sites recorded, whatever NODE_ENV says. */
function runMock<T>(fn: () => T | PromiseLike<T>): Promise<Awaited<T>> {
  return giambio.runWith(
    { clock: new MockClock({ autojump: true }), handleSignals: false, recordSites: true },
    fn,
  );
}
import { expectWarning } from "./support/warnings";

describe("an operation never awaited", () => {
  it("does not run, and is reported as a GiambioWarning naming it and the line that created it", async () => {
    const [warning] = await expectWarning(
      () =>
        runMock(async function main() {
          giambio.sleep(2); // eslint-disable-line @typescript-eslint/no-floating-promises
          await giambio.sleep(1);
          expect(giambio.clock()).toBe(1);
        }),
      /never awaited/,
    );
    expect(warning?.name).toBe("GiambioWarning");
    expect(warning?.message).toMatch(
      new RegExp(
        `^giambio\\.sleep\\(\\) was never awaited, created at main \\(.*warnings\\.spec\\.ts:${lineOf("giambio.sleep(2); // eslint")}:\\d+\\), in task "main"`,
      ),
    );
  });

  it("is reported by the time its task next yields, before the task goes on", async () => {
    const seen: string[] = [];
    await expectWarning(
      () =>
        runMock(async () => {
          const emit = process.emitWarning.bind(process) as (m: string, t: string) => void;
          const restore = Object.getOwnPropertyDescriptor(process, "emitWarning");
          process.emitWarning = ((message: string, type: string) => {
            seen.push(`warning ${type}`);
            emit(message, type);
          }) as typeof process.emitWarning;
          try {
            void giambio.sleepForever();
            await giambio.sleep(1);
            seen.push("after the yield");
          } finally {
            if (restore !== undefined) Object.defineProperty(process, "emitWarning", restore);
          }
        }),
      "sleepForever() was never awaited",
    );
    expect(seen).toEqual(["warning GiambioWarning", "after the yield"]);
  });

  it("is reported when its task ends", async () => {
    const [warning] = await expectWarning(
      () =>
        runMock(async () => {
          const child = giambio.spawn(async function forgetful() {
            void giambio.sleep(5);
          });
          await child.join();
          expect(giambio.clock()).toBe(0);
        }),
      "never awaited",
    );
    expect(warning?.message).toContain('in task "forgetful"');
  });

  it("covers every blocking operation, and none of them runs", async () => {
    const names: string[] = [];
    let ran = 0;
    const body = async (): Promise<void> => {
      ran++;
    };
    const warnings = await expectWarning(
      () =>
        runMock(async () => {
          const t = giambio.spawn(async () => {});
          await giambio.withNursery(async (nursery) => {
            void giambio.sleepUntil(10);
            void t.join();
            void giambio.withNursery(body);
            void giambio.withCancelScope(body);
            void giambio.moveOnAfter(1, body);
            void giambio.moveOnAt(1, body);
            void giambio.failAfter(1, body);
            void giambio.failAt(1, body);
            void giambio.cancellable(() => Promise.resolve(ran++));
            void nursery.start(async (status: giambio.TaskStatus) => {
              ran++;
              status.started();
            });
            void waitAllTasksBlocked();
            await giambio.sleep(1);
          });
        }),
      "never awaited",
    );
    for (const w of warnings) names.push(/giambio\.(\S+)\(\)/.exec(w.message)?.[1] ?? w.message);
    expect(names.sort()).toEqual(
      [
        "sleepUntil",
        "Task.join",
        "withNursery",
        "withCancelScope",
        "moveOnAfter",
        "moveOnAt",
        "failAfter",
        "failAt",
        "cancellable",
        "Nursery.start",
        "waitAllTasksBlocked",
      ].sort(),
    );
    expect(ran).toBe(0);
  });

  it("is not reported when awaited later in the same synchronous code, or through Promise.all", async () => {
    await runMock(async () => {
      const a = giambio.sleep(1);
      const b = giambio.sleep(2);
      await Promise.all([b, a]);
      const c = giambio.sleep(1);
      await giambio.moveOnAfter(5, () => c);
      await Promise.race([giambio.sleep(1), giambio.sleep(2)]);
      expect(giambio.clock()).toBe(4);
      await giambio.sleep(0).then(() => undefined);
      await giambio.sleep(0).catch(() => undefined);
      await giambio.sleep(0).finally(() => undefined);
    });
  });

  it("names no line when the run does not record sites, and says how to get it", async () => {
    const [warning] = await expectWarning(
      () =>
        giambio.runWith({ handleSignals: false, recordSites: false }, async () => {
          void giambio.sleep(2);
          await giambio.checkpoint();
          await giambio.sleep(0.001);
        }),
      "never awaited",
    );
    expect(warning?.message).toContain("recordSites");
    expect(warning?.message).not.toContain("created at");
  });

  it("a checkpoint() never awaited does nothing and is not reported (it is a plain promise)", async () => {
    await runMock(async () => {
      void giambio.checkpoint();
      await giambio.sleep(1);
    });
  });

  it("an operation awaited after a warning still runs", async () => {
    await expectWarning(
      () =>
        runMock(async () => {
          const late = giambio.sleep(2);
          await giambio.sleep(1);
          await late;
          expect(giambio.clock()).toBe(3);
        }),
      "never awaited",
    );
  });
});

describe("operations", () => {
  it("are promises to the type system and to Object.prototype.toString", async () => {
    await runMock(async () => {
      const op: Promise<void> = giambio.sleep(0);
      expect(Object.prototype.toString.call(op)).toBe("[object Promise]");
      await op;
    });
  });

  it("check their arguments at the call, before any await", async () => {
    await runMock(async () => {
      expect(() => giambio.sleep(-1)).toThrow(RangeError);
      expect(() => giambio.moveOnAfter(NaN, async () => {})).toThrow(TypeError);
      expect(() => giambio.withNursery(1 as never)).toThrow("Expected `fn` to be a function");
    });
  });

  it("a task whose function returns an operation awaits it", async () => {
    await runMock(async () => {
      await giambio.spawn(() => giambio.sleep(3)).join();
      expect(giambio.clock()).toBe(3);
    });
  });
});

describe("waitAllTasksBlocked and operations", () => {
  it("an operation parked by Promise.all counts its task as blocked", async () => {
    await runMock(async () => {
      const t = giambio.spawn(() => Promise.all([giambio.sleep(1), giambio.sleep(2)]));
      await waitAllTasksBlocked();
      expect(t.state).toBe("running");
      await t.join();
    });
  });
});

describe("one semantics in every environment (SPEC §1, §2)", () => {
  it("the checkAwaits option is gone: passing it is a clear error", () => {
    expect(() =>
      giambio.runWith({ handleSignals: false, checkAwaits: false } as giambio.RunOptions, () => {}),
    ).toThrow("`options.checkAwaits` was removed");
  });

  it("without recordSites, an operation is still lazy and still reported (jest sets NODE_ENV=test)", async () => {
    expect(process.env.NODE_ENV).toBe("test");
    const [warning] = await expectWarning(
      () =>
        giambio.runWith(
          { clock: new MockClock({ autojump: true }), handleSignals: false, recordSites: false },
          async () => {
            void giambio.sleep(2);
            await giambio.sleep(1);
            expect(giambio.clock()).toBe(1);
          },
        ),
      "never awaited",
    );
    expect(warning?.message).not.toContain("created at");
  });

  it("records sites by default under NODE_ENV=test", async () => {
    const [warning] = await expectWarning(
      () =>
        runDefault(async () => {
          void giambio.sleep(1);
          await giambio.sleep(0.5);
        }),
      "never awaited",
    );
    expect(warning?.message).toContain("created at");
  });
});
