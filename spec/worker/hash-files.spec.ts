/**
 * examples/hash-files.ts, for real: run in a child process on a temporary directory, it
 * prints every file's SHA-256; interrupted with SIGINT while its workers hash, it stops
 * them and exits with status 130 (the spec only waits for lines and the exit; it times
 * nothing).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

let dir = "";

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "giambio-hash-"));
  for (let i = 0; i < 5; i++)
    fs.writeFileSync(path.join(dir, `file-${i}.txt`), `content ${i}\n`.repeat(i * 100));
  fs.mkdirSync(path.join(dir, "subdirectory"));
});

afterAll(() => {
  if (dir !== "") fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the example; sends SIGINT once it prints its first line if `interrupt`. */
function runExample(
  args: string[],
  interrupt: boolean,
): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "-r",
        path.join(ROOT, "spec/support/ts-register.js"),
        path.join(ROOT, "examples/hash-files.ts"),
        ...args,
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      const first = stdout === "";
      stdout += chunk;
      if (first && interrupt) child.kill("SIGINT");
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, lines: stdout.trim().split("\n"), stderr }));
  });
}

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

describe("examples/hash-files.ts", () => {
  it("prints the SHA-256 of every file of the directory, like sha256sum", async () => {
    const { code, lines, stderr } = await runExample([dir], false);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^hashing the files of .* on \d+ cores$/);
    expect(lines.slice(1)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `${sha256(path.join(dir, `file-${i}.txt`))}  file-${i}.txt`),
    );
  }, 60_000);

  it("stops its workers on Ctrl-C and exits with status 130", async () => {
    // Stretched a trillion rounds: the hashing would never end by itself.
    const { code, lines, stderr } = await runExample([dir, "--stretch", "1000000000000"], true);
    expect(lines).toHaveLength(1);
    expect(stderr.trim()).toBe("interrupted");
    expect(code).toBe(130);
  }, 60_000);
});
