/**
 * The examples in examples/ run, on a MockClock, and print what they should. (The
 * parent/children example is checked against the README by spec/docs.spec.ts.)
 */
import * as util from "node:util";
import * as giambio from "giambio";
import * as crawler from "../examples/crawler";
import * as pipeline from "../examples/pipeline";
import * as processes from "../examples/processes";

async function printed(run: () => Promise<void>): Promise<string[]> {
  const out: string[] = [];
  const spy = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    out.push(util.format(...args));
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe("examples/crawler.ts", () => {
  it("crawls the fake site with at most two fetches at once, reporting failures and timeouts", async () => {
    expect(await printed(() => crawler.runExample(true))).toEqual([
      "fetched / at 0.3s",
      "fetched /b at 0.5s",
      "fetched /a at 0.8s",
      "fetched /c at 0.9s",
      "fetched /a1 at 1.0s",
      "fetched /b1 at 1.1s",
      "fetched /c1 at 1.3s",
      "fetched /a2 at 1.6s",
      "failed /missing: 404 /missing",
      "timed out /slow",
      "10 pages seen, at most 2 fetched at once",
    ]);
  });
});

describe("examples/pipeline.ts", () => {
  it("runs three stages and shuts down when the producer finishes", async () => {
    expect(await printed(() => pipeline.runExample(true))).toEqual([
      "line 1: 4 words (parser 1)",
      "line 2: 2 words (parser 2)",
      "line 3: 3 words (parser 3)",
      "line 4: 0 words (parser 1)",
      "line 5: 3 words (parser 2)",
      "done at 0.75s",
    ]);
  });
});

describe("examples/processes.ts", () => {
  it("runs the commands two at a time and stops them all at the first failure", async () => {
    expect(await printed(() => processes.runExample())).toEqual([
      "stopped at the first failure: Command `echo '2 tests failed' >&2; exit 1` exited with " +
        "status 1; the end of its stderr:\n  2 tests failed",
      "the 30-second commands were stopped: true",
    ]);
  });

  it("runs every command when none fails, and returns their outputs in order", async () => {
    const outputs = await giambio.run(() =>
      processes.runAll(["echo one", "sleep 0.05; echo two", "echo three"], 2),
    );
    expect(outputs).toEqual(["one\n", "two\n", "three\n"]);
  });
});
