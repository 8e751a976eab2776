/**
 * The block-form nursery written with real `await using`, not downlevelled by TypeScript:
 * spec/fixtures/block-native.cjs runs in a child process on the Node.js that runs this
 * suite. Node.js 24 parses `await using` natively; on Node.js 20 the syntax does not exist,
 * so these specs are skipped there (the downlevelled block-nursery.spec.ts covers it).
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const NATIVE = Number(process.versions.node.split(".")[0]) >= 24;

interface Described {
  name: string;
  message?: string;
  cancelled?: number;
  error?: Described;
  suppressed?: Described;
}

type Result = { value?: unknown; error?: Described; done?: number; clock?: number };

let results: Map<string, Result> = new Map();

(NATIVE ? describe : describe.skip)("openNursery with native await using (Node.js 24+)", () => {
  beforeAll(() => {
    const out = execFileSync(
      process.execPath,
      [
        "-r",
        path.join(ROOT, "spec/support/ts-register.js"),
        path.join(ROOT, "spec/fixtures/block-native.cjs"),
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    results = new Map(
      out
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { name: string; result: Result })
        .map(({ name, result }) => [name, result]),
    );
  }, 30_000);

  it("join() waits for every child, including ones spawned meanwhile", () => {
    expect(results.get("joinWaits")).toEqual({ done: 3, clock: 4 });
  });

  it("delivers a child's failure into the block itself; the disposer adds nothing", () => {
    expect(results.get("failureDeliveredIntoBlock")).toEqual({
      error: { name: "Boom", message: "child failed" },
    });
  });

  it("a forgotten join(): NurseryError with how many children were cancelled", () => {
    const error = results.get("forgottenJoin")?.error;
    expect(error?.name).toBe("NurseryError");
    expect(error?.cancelled).toBe(2);
    expect(error?.message).toContain("`await nursery.join()` had not been awaited");
  });

  it("leaving with an exception while children run: SuppressedError of both", () => {
    const error = results.get("exceptionWhileChildrenRun")?.error;
    expect(error?.name).toBe("SuppressedError");
    expect(error?.error?.name).toBe("NurseryError");
    expect(error?.suppressed).toEqual({ name: "Boom", message: "block failed" });
  });

  it("an enclosing scope cancelled: the disposer adds nothing, so moveOnAfter moves on", () => {
    expect(results.get("enclosingScopeCancelled")).toEqual({ value: "moved on", clock: 5 });
  });

  it("leaving without join() when no child runs throws nothing", () => {
    expect(results.get("leftWithoutJoinNoChildren")).toEqual({ value: "fine" });
  });
});
