/**
 * Nothing of the pool outlives the run (SPEC §11), for real: a program that used pool
 * workers runs in a child process, and once its run has settled the process holds no
 * worker and exits by itself (the spec only waits for it to exit; it times no window).
 */
import { execFile } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function runFixture(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [
        "-r",
        path.join(ROOT, "spec/support/ts-register.js"),
        path.join(ROOT, "spec/fixtures/worker-exit.ts"),
      ],
      { cwd: ROOT, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("a process that used runInWorker", () => {
  it("holds no worker once its run has settled, and exits by itself", async () => {
    const { code, stdout, stderr } = await runFixture();
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toBe("sum 10");
    const resources = JSON.parse((lines[1] ?? "").replace(/^resources /, "")) as string[];
    expect(resources.filter((r) => r !== "PipeWrap" && r !== "TTYWrap")).toEqual([]);
  }, 40_000);
});
