/**
 * SPEC §1 and §2: a program behaves the same in every environment. NODE_ENV decides only
 * whether creation sites are recorded; a forgotten `await` does nothing and is reported
 * everywhere, and the warning names the user's line (under source maps too), never one
 * inside giambio.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const FIXTURE = path.join(ROOT, "spec/fixtures/same-everywhere.ts");

function lineOf(text: string): number {
  return (
    fs
      .readFileSync(FIXTURE, "utf8")
      .split("\n")
      .findIndex((l) => l.includes(text)) + 1
  );
}

/** Runs the fixture with `env` changes (a value of `undefined` unsets the variable). */
function runFixture(env: Record<string, string | undefined>, flags: string[] = []): string {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[key];
    else childEnv[key] = value;
  }
  const result = spawnSync(
    process.execPath,
    [...flags, "-r", path.join(ROOT, "spec/support/ts-register.js"), FIXTURE],
    { cwd: ROOT, env: childEnv, encoding: "utf8", timeout: 30_000 },
  );
  if (result.status !== 0) {
    throw new Error(`fixture exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  expect(result.stderr).not.toMatch(/Unhandled|TimeoutOverflowWarning/);
  return result.stdout;
}

const withoutSites = (out: string): string => out.replace(/ \[site [^\]]*\]/g, "");

describe("the same program in every environment", () => {
  it("does the same under NODE_ENV=production, NODE_ENV=test and NODE_ENV unset", () => {
    const production = runFixture({ NODE_ENV: "production", GIAMBIO_RECORD_SITES: undefined });
    const unset = runFixture({ NODE_ENV: undefined, GIAMBIO_RECORD_SITES: undefined });
    const test = runFixture({ NODE_ENV: "test", GIAMBIO_RECORD_SITES: undefined });
    // process.emitWarning delivers on process.nextTick, after the microtasks that are
    // running: the order of warnings and prints is the same everywhere all the same.
    expect(production.split("\n")).toEqual([
      "after the forgotten sleep, t = 1",
      "warning: giambio.sleep() was never awaited",
      "after the timed-out scope, t = 2",
      "the nursery threw boom",
      "done at t = 2",
      "warning: giambio.sleep() was never awaited",
      "warning: giambio.Task.join() was never awaited",
      "",
    ]);
    expect(unset).toBe(production);
    expect(withoutSites(test)).toBe(production);
  });

  it("records creation sites under NODE_ENV=test and with GIAMBIO_RECORD_SITES=1, naming the user's line", () => {
    for (const env of [
      { NODE_ENV: "test" },
      { NODE_ENV: "production", GIAMBIO_RECORD_SITES: "1" },
    ]) {
      const out = runFixture(env);
      expect(out).toContain(`warning: giambio.sleep() was never awaited [site same-everywhere.ts:`);
      const warnings = out.split("\n").filter((l) => l.startsWith("warning:"));
      expect(warnings).toHaveLength(3);
      for (const w of warnings) expect(w).toMatch(/\[site same-everywhere\.ts:\d+\]$/);
    }
  });

  it("names the line in the TypeScript source under --enable-source-maps, never a line inside giambio", () => {
    const out = runFixture({ NODE_ENV: "test" }, ["--enable-source-maps"]);
    const lines = out.split("\n").filter((l) => l.startsWith("warning:"));
    expect(lines).toEqual([
      `warning: giambio.sleep() was never awaited [site same-everywhere.ts:${lineOf("giambio.sleep(2); // eslint")}]`,
      `warning: giambio.sleep() was never awaited [site same-everywhere.ts:${lineOf("giambio.sleep(1); // eslint")}]`,
      `warning: giambio.Task.join() was never awaited [site same-everywhere.ts:${lineOf("task.join(); // eslint")}]`,
    ]);
  });
});
