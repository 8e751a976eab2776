/**
 * Ctrl-C, for real: each case runs spec/fixtures/sigint.ts in a child process, sends it
 * SIGINT once it prints "ready", and checks what it printed.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { onLines } from "./support/lines";

const ROOT = path.resolve(__dirname, "..");

/** Runs the fixture; sends SIGINT each time a line in `triggers` is printed. */
function runFixture(scenario: string, triggers: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "-r",
        path.join(ROOT, "spec/support/ts-register.js"),
        path.join(ROOT, "spec/fixtures/sigint.ts"),
        scenario,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    const lines: string[] = [];
    let stderr = "";
    onLines(child.stdout, (line) => {
      lines.push(line);
      if (triggers.includes(line)) child.kill("SIGINT");
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(lines);
      else
        reject(new Error(`fixture exited with ${code ?? signal}:\n${lines.join("\n")}\n${stderr}`));
    });
  });
}

describe("SIGINT during run", () => {
  it("cancels everything, waits for finally blocks and shielded cleanup, then rejects with KeyboardInterrupt", async () => {
    const lines = await runFixture("once", ["ready"]);
    expect(lines[0]).toBe("ready");
    expect(lines).toEqual(
      expect.arrayContaining(["finally 1", "finally 2", "cleanup started", "cleanup finished"]),
    );
    expect(lines.indexOf("cleanup finished")).toBeGreaterThan(lines.indexOf("cleanup started"));
    expect(lines.slice(-2)).toEqual([
      "rejected KeyboardInterrupt: Interrupted by SIGINT",
      "SIGINT listeners 0",
    ]);
  }, 20_000);

  it("does not lose a second Ctrl-C while unwinding: it also cancels shielded cleanup", async () => {
    const lines = await runFixture("twice", ["ready", "cleanup started"]);
    expect(lines).toContain("cleanup started");
    expect(lines).not.toContain("cleanup finished");
    expect(lines.slice(-2)).toEqual([
      "rejected KeyboardInterrupt: Interrupted by SIGINT (2 times: the second one also cancelled shielded cleanup)",
      "SIGINT listeners 0",
    ]);
  }, 20_000);

  it("stops two runs side by side, each unwinding on its own, and removes both handlers", async () => {
    const lines = await runFixture("side-by-side", ["ready"]);
    expect(lines).toEqual(expect.arrayContaining(["finally 1", "finally 2", "cleanup finished"]));
    expect(lines.slice(-3)).toEqual([
      "rejected KeyboardInterrupt: Interrupted by SIGINT",
      "rejected KeyboardInterrupt: Interrupted by SIGINT",
      "SIGINT listeners 0",
    ]);
  }, 20_000);
});

describe("a third SIGINT (SPEC §1)", () => {
  it("ends a process stuck on a promise giambio cannot cancel, with status 130, after writing the task tree", async () => {
    const child = spawn(
      process.execPath,
      [
        "-r",
        path.join(ROOT, "spec/support/ts-register.js"),
        path.join(ROOT, "spec/fixtures/sigint.ts"),
        "stuck",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    let sent = 0;
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      // Three separate signals, each once the fixture has handled the previous one.
      const handled = stdout.split("\n").filter((l) => l === "sigint").length;
      if (stdout.includes("ready") && sent === handled && sent < 3) {
        sent++;
        child.kill("SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(130);
    expect(stderr).toContain("a third Ctrl-C");
    expect(stderr).toMatch(/waitsOnAForeignPromise #\d+ running/);
  });
});
