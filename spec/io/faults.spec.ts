/**
 * Fault injection (SPEC §9): a server stays up when a client misbehaves. Each server
 * (serveTcp, serveTls) runs spec/fixtures/fault-server.ts in a child process; each test
 * warms it up with a good client, takes a baseline of its open fds and of its heap after GC,
 * injects one fault, then checks that a fresh client is still served and that the fds come
 * back to the baseline and the heap stays near it. Nothing here passes or fails on a time
 * window: conditions are polled with a bounded number of attempts.
 *
 * Set FAULTS_REPORT=<file> to append the figures observed (baseline and after, per fault).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { onLines } from "../support/lines";
import * as tls from "node:tls";

const ROOT = path.resolve(__dirname, "..", "..");
const TLS_CERT = fs.readFileSync(path.join(ROOT, "spec/fixtures/tls-cert.pem"));
const HOST = "127.0.0.1";
const KiB = 1024;
const MiB = 1024 * KiB;
/**
 * How far the server's heap (heapUsed after two full GCs) may end above its baseline after
 * a fault: 2 MiB. A leak per connection (a socket, its buffers or its task kept alive) would
 * show well beyond it after the 10 MiB echo or the hundreds of idle connections.
 */
const HEAP_TOLERANCE = 2 * MiB;
/** The same bound for arrayBuffers (where Buffers live) while a client does not read. */
const BUFFERS_TOLERANCE = 2 * MiB;
/** A FLOOD handler must block long before this: sendAll waits for the peer (backpressure). */
const FLOOD_BOUND = 64 * MiB;

type Server = "serveTcp" | "serveTls";

interface Stats {
  fds: number;
  heap: number;
  arrayBuffers: number;
  open: number;
  handled: number;
  errors: number;
  flooded: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns something other than undefined; bounded attempts. */
async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  attempts = 500,
  delayMs = 10,
): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const result = await check();
    if (result !== undefined) return result;
    await sleep(delayMs);
  }
  throw new Error(`gave up waiting for ${what} after ${attempts} attempts`);
}

/** The fault server in its child process. */
class FaultServer {
  readonly lines: string[] = [];
  stderr = "";
  port = 0;
  private readonly waiting: Array<(stats: Stats) => void> = [];
  private queue: Promise<unknown> = Promise.resolve();
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    onLines(child.stdout, (line) => {
      if (line.startsWith("{")) this.waiting.shift()?.(JSON.parse(line) as Stats);
      else this.lines.push(line);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) =>
      child.once("exit", (code) => {
        this.exitCode = code;
        resolve(code);
      }),
    );
  }

  static async start(server: Server): Promise<FaultServer> {
    const child = spawn(
      process.execPath,
      [
        "--expose-gc",
        "-r",
        path.join(ROOT, "spec/support/ts-register.js"),
        path.join(ROOT, "spec/fixtures/fault-server.ts"),
        server === "serveTls" ? "tls" : "tcp",
      ],
      { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] },
    );
    const s = new FaultServer(child);
    const line = await until(
      () => {
        if (s.exitCode !== undefined) throw new Error(`the fault server exited:\n${s.report()}`);
        return s.lines.find((l) => l.startsWith("port "));
      },
      "the fault server to listen",
      1000,
    );
    s.port = Number(line.slice(5));
    return s;
  }

  /** What the child printed, for error messages. */
  report(): string {
    return `stdout:\n${this.lines.join("\n")}\nstderr:\n${this.stderr}`;
  }

  /** Throws if the server has stopped. */
  expectAlive(): void {
    if (this.exitCode !== undefined || this.lines.some((l) => l.startsWith("exit "))) {
      throw new Error(`the server stopped:\n${this.report()}`);
    }
  }

  stats(): Promise<Stats> {
    const next = this.queue.then(
      () =>
        new Promise<Stats>((resolve, reject) => {
          if (this.exitCode !== undefined) {
            reject(new Error(`the server stopped:\n${this.report()}`));
            return;
          }
          this.waiting.push(resolve);
          this.child.stdin.write("stats\n");
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Ctrl-C, and the exit code. */
  async stop(): Promise<number | null> {
    if (this.exitCode === undefined) this.child.kill("SIGINT");
    const code = await this.exited;
    this.child.stdin.destroy();
    return code;
  }
}

/** A client of either server, on a plain net.Socket `raw` (for resetAndDestroy). */
interface Client {
  /** The socket to talk on: `raw` for TCP, the TLS socket over it for TLS. */
  sock: net.Socket;
  raw: net.Socket;
  received: Buffer[];
  receivedBytes: () => number;
  text: () => string;
  closed: Promise<void>;
}

/**
 * Connects (and, for TLS, completes the handshake). `read: false` leaves the socket
 * paused: the client does not read what the server sends.
 */
function connect(server: Server, port: number, read = true): Promise<Client> {
  return new Promise((resolve, reject) => {
    const raw = net.connect(port, HOST);
    const sock = server === "serveTls" ? tls.connect({ socket: raw, ca: TLS_CERT }) : raw;
    const received: Buffer[] = [];
    let bytes = 0;
    const closed = new Promise<void>((r) => sock.once("close", () => r()));
    const rawClosed = new Promise<void>((r) => raw.once("close", () => r()));
    sock.once("error", reject);
    // Errors after the connection is up (a reset we caused) are part of the fault.
    sock.on("error", () => undefined);
    raw.on("error", () => undefined);
    if (read) {
      sock.on("data", (chunk: Buffer) => {
        received.push(chunk);
        bytes += chunk.length;
      });
    }
    sock.once(server === "serveTls" ? "secureConnect" : "connect", () => {
      sock.off("error", reject);
      resolve({
        sock,
        raw,
        received,
        receivedBytes: () => bytes,
        text: () => Buffer.concat(received).toString("utf8"),
        closed: Promise.all([closed, rawClosed]).then(() => undefined),
      });
    });
  });
}

let serial = 0;

/** A fresh client sends a line and gets its echo, then leaves politely. */
async function stillServes(server: Server, s: FaultServer): Promise<void> {
  s.expectAlive();
  const c = await connect(server, s.port);
  const line = `ping ${++serial}\n`;
  c.sock.write(line);
  await until(() => (c.text() === line ? true : undefined), `the echo of ${JSON.stringify(line)}`);
  c.sock.end();
  await c.closed;
  s.expectAlive();
}

/** Stats once every connection has ended and the fd count is steady (two equal reads). */
async function settled(s: FaultServer, fds?: number): Promise<Stats> {
  let last: Stats | undefined;
  return until(
    async () => {
      const now = await s.stats();
      const steady =
        now.open === 0 && (fds === undefined ? last?.fds === now.fds : now.fds === fds);
      last = now;
      return steady ? now : undefined;
    },
    fds === undefined ? "the server to settle" : `the server's fds to come back to ${fds}`,
    200,
    20,
  );
}

function record(server: Server, fault: string, baseline: Stats, after: Stats, extra = ""): void {
  const file = process.env.FAULTS_REPORT;
  if (file === undefined || file === "") return;
  const mib = (n: number): string => (n / MiB).toFixed(2);
  fs.appendFileSync(
    file,
    `${server}\t${fault}\tfds ${baseline.fds} -> ${after.fds}\theap ${mib(baseline.heap)} -> ` +
      `${mib(after.heap)} MiB\tarrayBuffers ${mib(baseline.arrayBuffers)} -> ` +
      `${mib(after.arrayBuffers)} MiB\terrors ${baseline.errors} -> ${after.errors}${extra}\n`,
  );
}

/** Runs one fault: warm-up, baseline, fault, then the server must serve and be back as it was. */
async function survives(
  server: Server,
  s: FaultServer,
  fault: string,
  inject: (baseline: Stats) => Promise<string | void>,
): Promise<void> {
  await stillServes(server, s); // warm-up
  const baseline = await settled(s);
  const extra = await inject(baseline);
  await stillServes(server, s);
  const after = await settled(s, baseline.fds);
  record(server, fault, baseline, after, extra ?? "");
  expect(after.fds).toBe(baseline.fds);
  expect(after.heap).toBeLessThanOrEqual(baseline.heap + HEAP_TOLERANCE);
  s.expectAlive();
}

/** Sends FLOOD and waits until the server has written `bytes` (or more) to this client. */
async function flooded(s: FaultServer, bytes: number): Promise<Stats> {
  return until(
    async () => {
      const now = await s.stats();
      return now.flooded >= bytes ? now : undefined;
    },
    `the server to flood ${bytes} bytes`,
    200,
    10,
  );
}

describe.each<[Server]>([["serveTcp"], ["serveTls"]])(
  "%s survives a misbehaving client (SPEC §9)",
  (server) => {
    let s: FaultServer;

    beforeAll(async () => {
      s = await FaultServer.start(server);
    }, 20_000);

    afterAll(async () => {
      // Ctrl-C is the only way the server may stop.
      const code = await s.stop();
      expect(s.lines.filter((l) => l.startsWith("exit "))).toEqual(["exit KeyboardInterrupt"]);
      expect(code).toBe(0);
    }, 20_000);

    it("connect and close at once (plain TCP, and after the handshake for TLS)", async () => {
      await survives(server, s, "connect-and-close", async () => {
        const raw = await connect("serveTcp", s.port);
        raw.sock.destroy();
        await raw.closed;
        const c = await connect(server, s.port);
        c.sock.destroy();
        await c.closed;
      });
    });

    it("reset while the server waits to receive", async () => {
      await survives(server, s, "reset-while-receiving", async (baseline) => {
        const c = await connect(server, s.port);
        c.sock.write("hello\n");
        // The echo is back: the handler is waiting in receive() again.
        await until(() => (c.text() === "hello\n" ? true : undefined), "the echo");
        c.raw.resetAndDestroy();
        await c.closed;
        const after = await until(async () => {
          const now = await s.stats();
          return now.handled > baseline.handled ? now : undefined;
        }, "the handler to end");
        // The reset reached the handler as a BrokenResourceError, not as a clean EOF.
        expect(after.errors).toBeGreaterThan(baseline.errors);
      });
    });

    it("reset while the server sends (FLOOD, read a little, reset)", async () => {
      await survives(server, s, "reset-while-sending", async (baseline) => {
        const c = await connect(server, s.port);
        c.sock.write("FLOOD\n");
        await until(() => (c.receivedBytes() >= 256 * KiB ? true : undefined), "some flood");
        c.raw.resetAndDestroy();
        await c.closed;
        const after = await until(async () => {
          const now = await s.stats();
          return now.errors > baseline.errors && now.open === 0 ? now : undefined;
        }, "the FLOOD handler to fail with a broken connection");
        expect(after.errors).toBe(baseline.errors + 1);
      });
    });

    it("half-close: the server still echoes the line, then closes", async () => {
      await survives(server, s, "half-close", async () => {
        const c = await connect(server, s.port);
        c.sock.end("last words\n");
        // The server closes once it has echoed: `closed` comes only after its FIN.
        await c.closed;
        expect(c.text()).toBe("last words\n");
      });
    });

    it("a client that never reads while the server writes: the server blocks, memory stays bounded", async () => {
      await survives(server, s, "never-reads", async (baseline) => {
        const c = await connect(server, s.port, false);
        c.sock.write("FLOOD\n");
        await flooded(s, baseline.flooded + 1 * MiB);
        // Wait until the FLOOD handler blocks in sendAll: its count stays put over five
        // reads in a row. If sendAll did not wait, it would never stop (and pass FLOOD_BOUND).
        let previous = -1;
        let steadyReads = 0;
        const blocked = await until(
          async () => {
            const now = await s.stats();
            if (now.flooded - baseline.flooded > FLOOD_BOUND) {
              throw new Error(`the server wrote ${now.flooded - baseline.flooded} bytes unread`);
            }
            steadyReads = now.flooded === previous ? steadyReads + 1 : 0;
            previous = now.flooded;
            return steadyReads >= 5 ? now : undefined;
          },
          "the FLOOD handler to block",
          500,
          20,
        );
        const written = blocked.flooded - baseline.flooded;
        expect(written).toBeLessThanOrEqual(FLOOD_BOUND);
        expect(blocked.heap).toBeLessThanOrEqual(baseline.heap + HEAP_TOLERANCE);
        expect(blocked.arrayBuffers).toBeLessThanOrEqual(baseline.arrayBuffers + BUFFERS_TOLERANCE);
        // The server serves others while one handler is blocked.
        await stillServes(server, s);
        c.sock.destroy();
        await c.closed;
        return (
          `\tblocked after ${(written / MiB).toFixed(2)} MiB written, heap ` +
          `${(blocked.heap / MiB).toFixed(2)} MiB, arrayBuffers ` +
          `${(blocked.arrayBuffers / MiB).toFixed(2)} MiB while blocked`
        );
      });
    });

    it("10 MiB sent at once is echoed back byte-exact", async () => {
      await survives(server, s, "10MiB-echo", async () => {
        const payload = crypto.randomBytes(10 * MiB);
        const c = await connect(server, s.port);
        c.sock.write(payload);
        await until(
          () => (c.receivedBytes() >= payload.length ? true : undefined),
          "the 10 MiB echo",
          1000,
        );
        expect(Buffer.concat(c.received).equals(payload)).toBe(true);
        c.sock.end();
        await c.closed;
      });
    }, 20_000);

    // 1,000 for both servers: TLS handshakes cost far more CPU than TCP connects, but 1,000
    // of them took ~2.6 s on a 2-core machine (TCP: ~0.5 s), so the file stays near 11 s.
    // Lower the TLS figure (200 took ~0.6 s) should it ever come near the timeout.
    const idle = 1000;
    it(`${idle} idle connections opened, then all closed: fds back to baseline`, async () => {
      await survives(server, s, `${idle}-idle`, async (baseline) => {
        const clients: Client[] = [];
        try {
          for (let i = 0; i < idle; i += 50) {
            const batch = Math.min(50, idle - i);
            clients.push(
              ...(await Promise.all(Array.from({ length: batch }, () => connect(server, s.port)))),
            );
          }
          const open = await until(
            async () => {
              const now = await s.stats();
              return now.open === idle ? now : undefined;
            },
            `the server to hold ${idle} connections`,
            200,
            20,
          );
          expect(open.fds).toBeGreaterThanOrEqual(baseline.fds + idle);
          return `\twhile open: fds ${open.fds}, heap ${(open.heap / MiB).toFixed(2)} MiB`;
        } finally {
          for (const c of clients) c.sock.destroy();
          await Promise.all(clients.map((c) => c.closed));
        }
      });
    }, 30_000);
  },
);
