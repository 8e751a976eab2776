/**
 * examples/echo-server.ts, the seed's echo server, for real: started in a child process,
 * talked to over loopback, and stopped with Ctrl-C (SIGINT).
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A raw client: collects everything it receives, and notices when the server closes. */
function client(
  port: number,
): Promise<{ sock: net.Socket; data: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1");
    let data = "";
    sock.setEncoding("utf8");
    sock.on("data", (chunk: string) => (data += chunk));
    const closed = new Promise<void>((r) => sock.once("close", () => r()));
    sock.once("error", reject);
    sock.once("connect", () => resolve({ sock, data: () => data, closed }));
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  // Up to 20 s: the example transpiles lib/ on load, which takes several seconds on a busy
  // machine (the tests' own timeouts are 30 s).
  for (let i = 0; i < 2000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Starts the example on a free port; `out` collects what it prints. */
async function startEcho(): Promise<{
  port: number;
  child: ReturnType<typeof spawn>;
  out: { stdout: string; stderr: string };
  exited: Promise<number | null>;
}> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      "-r",
      path.join(ROOT, "spec/support/ts-register.js"),
      path.join(ROOT, "examples/echo-server.ts"),
      String(port),
    ],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const out = { stdout: "", stderr: "" };
  child.stdout?.setEncoding("utf8").on("data", (c: string) => (out.stdout += c));
  child.stderr?.setEncoding("utf8").on("data", (c: string) => (out.stderr += c));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  return { port, child, out, exited };
}

describe("examples/echo-server.ts", () => {
  it("greets, prompts and echoes like the seed, and Ctrl-C closes every connection and prints the seed's exit message", async () => {
    const { port, child, out, exited } = await startEcho();
    try {
      await until(
        () => out.stderr.includes("Echo server serving asynchronously"),
        "the server to listen",
      );
      expect(out.stderr).toMatch(
        /^\[INFO\] \d\d\/\d\d\/\d{4} [AP]M Echo server serving asynchronously at \('', \d+\)$/m,
      );
      const a = await client(port);
      const b = await client(port);
      const welcome = "Welcome to the server pal, feel free to send me something!\n-> ";
      await until(() => a.data() === welcome && b.data() === welcome, "the welcome lines");
      a.sock.write("hello\n");
      b.sock.write("caf\u00e9\n");
      await until(
        () => a.data().endsWith("Got: hello\n-> ") && b.data().endsWith("Got: caf\u00e9\n-> "),
        "the echoes",
      );
      expect(out.stderr).toMatch(/\[INFO\] .* \('127\.0\.0\.1', \d+\) connected/);
      expect(out.stderr).toContain("Got: 'hello\\n' from ('127.0.0.1', ");
      expect(out.stderr).toContain("Echoed back 'hello\\n' to ('127.0.0.1', ");
      // One client leaves by itself.
      b.sock.end();
      await b.closed;
      await until(
        () => /Connection from \('127\.0\.0\.1', \d+\) closed/.test(out.stderr),
        "the disconnect log",
      );
      // Ctrl-C: the other connection is closed by the server as it unwinds.
      child.kill("SIGINT");
      await a.closed;
      expect(await exited).toBe(0);
      expect(out.stdout.trim()).toBe("Exiting due to a KeyboardInterrupt: 'Interrupted by SIGINT'");
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);

  it("survives clients that leave at once, reset, half-close, send 10 MiB or idle by the hundred, and serves the next client with no fd leaked (SPEC §9)", async () => {
    const { port, child, out, exited } = await startEcho();
    const welcome = "Welcome to the server pal, feel free to send me something!\n-> ";
    const closedLogs = (): number => (out.stderr.match(/Connection from .* closed/g) ?? []).length;
    /** A fresh client is greeted and echoed: the server is still serving. */
    const stillServes = async (): Promise<void> => {
      const c = await client(port);
      await until(() => c.data() === welcome, "the welcome of a fresh client");
      c.sock.write("ping\n");
      await until(() => c.data().endsWith("Got: ping\n-> "), "the echo to a fresh client");
      const before = closedLogs();
      c.sock.end();
      await c.closed;
      await until(() => closedLogs() > before, "the fresh client's disconnect log");
    };
    try {
      await until(() => out.stderr.includes("serving asynchronously"), "the server to listen");
      const faults: [string, (c: net.Socket) => void][] = [
        ["connect and close at once", (c) => c.destroy()],
        ["reset while the server waits to read", (c) => c.resetAndDestroy()],
        [
          "send, then reset while the server replies",
          (c) => {
            c.write("x".repeat(64 * 1024));
            c.resetAndDestroy();
          },
        ],
        ["half-close", (c) => c.end()],
      ];
      // The server's open file descriptors (Linux), to check that nothing leaks.
      const fds = (): number | null => {
        try {
          return fs.readdirSync(`/proc/${child.pid}/fd`).length;
        } catch {
          return null;
        }
      };
      await stillServes();
      const baseline = fds();
      for (const [, fault] of faults) {
        const before = closedLogs();
        const c = await client(port);
        c.sock.on("error", () => undefined);
        fault(c.sock);
        await c.closed;
        await until(() => closedLogs() > before, "the faulty client's disconnect log");
        await stillServes();
        await until(() => fds() === baseline, "the server's fds back to the baseline");
      }
      // 10 MiB at once: everything comes back (in "Got: " replies of up to 1024 bytes).
      {
        const big = Buffer.alloc(10 * 1024 * 1024, "x");
        const c = await client(port);
        await until(() => c.data() === welcome, "the welcome of the 10 MiB client");
        c.sock.write(big);
        const echoed = (): number => (c.data().match(/x/g) ?? []).length;
        await until(() => echoed() === big.length, "10 MiB echoed back");
        c.sock.end();
        await c.closed;
      }
      // 200 idle connections, then all closing: the server serves on, and leaks no fd. (One
      // after another: the seed listens with a backlog of 5.)
      {
        const idle: Awaited<ReturnType<typeof client>>[] = [];
        for (let i = 0; i < 200; i++) {
          const c = await client(port);
          idle.push(c);
          await until(() => c.data() === welcome, "the welcome of an idle client");
        }
        const before = closedLogs();
        for (const c of idle) c.sock.end();
        await Promise.all(idle.map((c) => c.closed));
        await until(() => closedLogs() >= before + 200, "200 disconnect logs");
        await stillServes();
        await until(() => fds() === baseline, "the server's fds back to the baseline");
      }
      expect(out.stdout).toBe("");
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(out.stdout.trim()).toBe("Exiting due to a KeyboardInterrupt: 'Interrupted by SIGINT'");
    } finally {
      child.kill("SIGKILL");
    }
  }, 30_000);
});
