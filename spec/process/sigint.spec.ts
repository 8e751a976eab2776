/**
 * Ctrl-C reaches every child process (SPEC §11): a program running two `sh -c` children,
 * each with a child of its own, gets SIGINT; the run rejects with KeyboardInterrupt only
 * after every one of them has stopped.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { onLines } from "../support/lines";
import { checkNoProcessLeft, isRunning, waitGone } from "../support/processes";

checkNoProcessLeft();

const ROOT = path.resolve(__dirname, "..", "..");

it("SIGINT cancels the run, which stops every child and grandchild before it rejects", async () => {
  const pids: number[] = [];
  const lines = await new Promise<string[]>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "-r",
        path.join(ROOT, "spec/support/ts-register.js"),
        path.join(ROOT, "spec/fixtures/process-sigint.ts"),
      ],
      // Our environment (with the spec tag), so that the leak check sees its children.
      { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    const seen: string[] = [];
    let stderr = "";
    onLines(child.stdout, (line) => {
      seen.push(line);
      if (/^\d+ \d+$/.test(line)) {
        pids.push(...line.split(" ").map(Number));
        if (pids.length === 4) child.kill("SIGINT");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(seen);
      else
        reject(new Error(`fixture exited with ${code ?? signal}:\n${seen.join("\n")}\n${stderr}`));
    });
  });
  expect(lines.at(-1)).toBe("rejected KeyboardInterrupt");
  // The shells were reaped before the run rejected; their sleeps had SIGTERM with them.
  expect(isRunning(pids[0] as number) || isRunning(pids[2] as number)).toBe(false);
  await Promise.all(pids.map(waitGone));
  expect(pids.filter(isRunning)).toEqual([]);
}, 30_000);
