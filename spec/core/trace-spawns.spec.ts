import * as util from "node:util";
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
import { Boom, outcome } from "../support/giambio";

const traced = (traceSpawns: boolean): giambio.RunOptions => ({
  clock: new MockClock({ autojump: true }),
  handleSignals: false,
  traceSpawns,
});

async function grandchild(): Promise<void> {
  await giambio.sleep(1);
  throw new Boom("deep");
}

async function child(): Promise<void> {
  giambio.spawn(grandchild); // spawned in child()
  await giambio.sleepForever();
}

describe("runWith({ traceSpawns: true })", () => {
  it("gives an escaping error the chain of spawn sites it passed through, innermost first", async () => {
    const r = await outcome(
      giambio.runWith(traced(true), async function main() {
        giambio.spawn(child);
      }),
    );
    const err = r.error as Boom & { giambioTrace: giambio.SpawnTraceEntry[] };
    expect(err).toBeInstanceOf(Boom);
    const trace = err.giambioTrace;
    expect(trace.map((e) => e.task)).toEqual(["grandchild", "child", "main"]);
    expect(trace[0]?.spawnedAt).toMatch(/at child .*trace-spawns\.spec\.ts:\d+/);
    expect(trace[1]?.spawnedAt).toMatch(/at main .*trace-spawns\.spec\.ts:\d+/);
    expect(trace[0]?.spawnedAt).not.toMatch(/lib[\\/]core/);
  });

  it("keeps the trace non-enumerable, and util.inspect prints it", async () => {
    const r = await outcome(
      giambio.runWith(traced(true), async function main() {
        giambio.spawn(child);
      }),
    );
    const err = r.error as Boom;
    expect(Object.keys(err)).not.toContain("giambioTrace");
    const shown = util.inspect(err);
    expect(shown).toContain("Boom: deep");
    expect(shown).toContain("giambio spawn trace");
    expect(shown).toMatch(/in task "grandchild" \(#\d+\), spawned\n\s+at child/);
  });

  it("is off by default: no trace, no stack capture", async () => {
    const r = await outcome(
      giambio.runWith(traced(false), async function main() {
        giambio.spawn(child);
      }),
    );
    expect(Object.getOwnPropertyDescriptor(r.error, "giambioTrace")).toBeUndefined();
    expect(util.inspect(r.error)).not.toContain("giambio spawn trace");
  });

  it("records each task once, and leaves frozen errors alone", async () => {
    const frozen = Object.freeze(new Boom("frozen"));
    const r = await outcome(
      giambio.runWith(traced(true), async function main() {
        await giambio
          .spawn(async function fails() {
            throw frozen;
          })
          .join()
          .catch(() => undefined);
      }),
    );
    expect(r.error).toBe(frozen);
    expect(Object.getOwnPropertyDescriptor(frozen, "giambioTrace")).toBeUndefined();
  });
});
