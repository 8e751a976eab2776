import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
import { expectWarning } from "../support/warnings";

function recorder(log: string[]): giambio.Instrument {
  return {
    beforeRun: () => log.push("beforeRun"),
    afterRun: () => log.push("afterRun"),
    taskSpawned: (t) => log.push(`spawned ${t.name}`),
    taskScheduled: (t) => log.push(`scheduled ${t.name}`),
    taskExited: (t) => log.push(`exited ${t.name}`),
    beforeBatch: () => log.push("beforeBatch"),
    afterBatch: () => log.push("afterBatch"),
  };
}

const options = (instruments: giambio.Instrument[]): giambio.RunOptions => ({
  clock: new MockClock({ autojump: true }),
  handleSignals: false,
  instruments,
});

describe("instruments", () => {
  it("are called in order: run, spawn (the root too), schedule, batches, exit", async () => {
    const log: string[] = [];
    await giambio.runWith(options([recorder(log)]), async function main() {
      log.push("main runs");
      const child = giambio.spawn(async function child() {
        log.push("child runs");
      });
      await child.join();
      log.push("main joined");
    });
    const at = (entry: string): number => {
      const i = log.indexOf(entry);
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    expect(log[0]).toBe("beforeRun");
    expect(log[log.length - 1]).toBe("afterRun");
    expect(log.slice(1, 4)).toEqual(["spawned main", "scheduled main", "beforeBatch"]);
    // Each task is spawned, then scheduled, then runs, then exits.
    expect(at("spawned child")).toBeLessThan(at("scheduled child"));
    expect(at("scheduled child")).toBeLessThan(at("child runs"));
    expect(at("child runs")).toBeLessThan(at("exited child"));
    // The join wakes main (a second schedule) only after the child has exited.
    expect(log.lastIndexOf("scheduled main")).toBeGreaterThan(at("exited child"));
    expect(at("main joined")).toBeLessThan(at("exited main"));
    // Batches never overlap, and tasks only take steps inside one.
    const batches = log.filter((e) => e === "beforeBatch" || e === "afterBatch");
    batches.forEach((e, i) => expect(e).toBe(i % 2 === 0 ? "beforeBatch" : "afterBatch"));
    expect(batches.length % 2).toBe(0);
    let open = false;
    for (const e of log) {
      if (e === "beforeBatch") open = true;
      else if (e === "afterBatch") open = false;
      else if (e.endsWith(" runs")) expect(open).toBe(true);
    }
  });

  it("see every reschedule, checkpoints included", async () => {
    const scheduled: string[] = [];
    await giambio.runWith(
      options([{ taskScheduled: (t) => scheduled.push(t.name) }]),
      async function main() {
        await giambio.checkpoint();
        await giambio.sleep(1);
        await giambio.checkpoint();
      },
    );
    expect(scheduled).toEqual(["main", "main", "main", "main"]);
  });

  it("an instrument that throws is removed and reported as a GiambioWarning; the run goes on", async () => {
    const log: string[] = [];
    const bad: giambio.Instrument = {
      taskSpawned: (t) => {
        if (t.name === "child") throw new Error("instrument bug");
      },
      taskExited: () => log.push("bad saw an exit"),
    };
    const [warning] = await expectWarning(async () => {
      const value = await giambio.runWith(options([bad, recorder(log)]), async function main() {
        await giambio.spawn(async function child() {}).join();
        return "ok";
      });
      expect(value).toBe("ok");
    }, /instrument/);
    expect(warning?.name).toBe("GiambioWarning");
    expect(warning?.message).toContain("taskSpawned() threw");
    expect(warning?.message).toContain("Error: instrument bug");
    expect(log).not.toContain("bad saw an exit");
    expect(log).toContain("exited child"); // the other instrument still runs
  });

  it("are checked at the call", () => {
    expect(() => giambio.runWith({ instruments: {} as never }, async () => {})).toThrow(
      "Expected `options.instruments` to be an array, got `[object Object]` (object)",
    );
    expect(() => giambio.runWith({ instruments: [null as never] }, async () => {})).toThrow(
      "Expected `options.instruments[0]` to be an object, got `null` (null)",
    );
    expect(() =>
      giambio.runWith({ instruments: [{ beforeRun: 1 } as never] }, async () => {}),
    ).toThrow("Expected `options.instruments[0].beforeRun` to be a function, got `1` (number)");
  });
});

describe("an instrument that spawns from taskSpawned (SPEC §8: never breaking the run)", () => {
  it("is removed with a warning, and the run goes on and ends", async () => {
    let armed = false;
    const instrument = {
      taskSpawned(): void {
        if (armed) giambio.spawn(async () => {});
      },
    };
    const [warning] = await expectWarning(
      () =>
        giambio.runWith(
          {
            instruments: [instrument],
            handleSignals: false,
            clock: new MockClock({ autojump: true }),
          },
          async () => {
            armed = true;
            const child = giambio.spawn(async () => {
              await giambio.sleep(1);
              return "child done";
            });
            expect(await child.join()).toBe("child done");
          },
        ),
      "spawned tasks recursively",
    );
    expect(warning?.name).toBe("GiambioWarning");
  });
});
