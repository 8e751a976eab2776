/**
 * TCP on loopback: serveTcp, happy eyeballs, backpressure, resets, and no leftovers.
 */
import { spawnSync } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import * as giambio from "giambio";
import { taskTree, waitAllTasksBlocked } from "giambio/testing";
import { outcome } from "../support/giambio";
import { expectWarning } from "../support/warnings";
import { receiveExactly, runIo, text } from "../support/streams";

/** An echo handler like the seed's, without the prompt. */
async function echo(stream: giambio.AsyncSocket): Promise<void> {
  for (;;) {
    const data = await stream.receive(1024);
    if (data.length === 0) return;
    await stream.sendAll(data);
  }
}

function sockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;
}

describe("serveTcp: a peer hanging up is not a server failure (SPEC §9)", () => {
  /** Connects, sends a line, and resets the connection (RST instead of FIN). */
  async function resetClient(port: number): Promise<void> {
    const s = await giambio.openTcpStream("127.0.0.1", port);
    await s.sendAll(Buffer.from("about to reset\n"));
    (s.raw as net.Socket).resetAndDestroy();
    s.close();
  }

  /** The server still answers a well-behaved client. */
  async function stillServes(port: number): Promise<void> {
    await using s = await giambio.openTcpStream("127.0.0.1", port);
    await s.sendAll(Buffer.from("still there?"));
    expect((await receiveExactly(s, 12)).toString()).toBe("still there?");
  }

  it("ends only the broken connection, and hands its BrokenResourceError to onConnectionError", async () => {
    const reported: unknown[] = [];
    await runIo(async () => {
      await giambio.withNursery(async (nursery) => {
        const addr = await nursery.start(giambio.serveTcp, echo, 0, {
          host: "127.0.0.1",
          onConnectionError: (err: unknown) => void reported.push(err),
        });
        await resetClient(addr.port);
        while (reported.length === 0) await giambio.sleep(0.001);
        await stillServes(addr.port);
        nursery.cancel();
      });
    });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(giambio.BrokenResourceError);
  });

  it("absorbs a MultiError made only of its own connection's breaks (a reader/writer split)", async () => {
    const reported: unknown[] = [];
    await runIo(async () => {
      await giambio.withNursery(async (nursery) => {
        const addr = await nursery.start(
          giambio.serveTcp,
          async (stream: giambio.AsyncSocket) => {
            // Both halves fail at once when the peer resets: a MultiError of two breaks.
            await giambio.withNursery(async (halves) => {
              halves.spawn(async () => {
                for (;;) if ((await stream.receive(1024)).length === 0) return;
              });
              halves.spawn(async () => {
                for (;;) await stream.sendAll(Buffer.alloc(64 * 1024));
              });
            });
          },
          0,
          { host: "127.0.0.1", onConnectionError: (err: unknown) => void reported.push(err) },
        );
        await resetClient(addr.port);
        while (reported.length === 0) await giambio.sleep(0.001);
        nursery.cancel();
      });
    });
    expect(reported).toHaveLength(1);
    const err = reported[0];
    const leaves = err instanceof giambio.MultiError ? err.errors : [err];
    for (const e of leaves) expect(e).toBeInstanceOf(giambio.BrokenResourceError);
  });

  it("still stops the server on any other error from a handler, which reaches its nursery", async () => {
    const bug = new Error("a bug in the handler");
    const r = await outcome(
      runIo(async () => {
        await giambio.withNursery(async (nursery) => {
          const addr = await nursery.start(
            giambio.serveTcp,
            async () => {
              throw bug;
            },
            0,
            { host: "127.0.0.1", onConnectionError: () => undefined },
          );
          await using _s = await giambio.openTcpStream("127.0.0.1", addr.port);
          await giambio.sleepForever();
        });
      }),
    );
    expect(r.error).toBe(bug);
  });

  it("refuses a bad backlog or onConnectionError at the call", async () => {
    await runIo(async () => {
      expect(() => giambio.serveTcp(echo, 0, { backlog: -5 })).toThrow(
        "Expected `options.backlog` to be",
      );
      expect(() => giambio.serveTcp(echo, 0, { backlog: "x" as never })).toThrow(TypeError);
      expect(() => giambio.serveTcp(echo, 0, { onConnectionError: 5 as never })).toThrow(
        "Expected `options.onConnectionError` to be a function, got `5` (number)",
      );
      expect(() => giambio.listenTcp(0, "127.0.0.1", { backlog: 1.5 })).toThrow(RangeError);
    });
  });
});

describe("serveTcp", () => {
  it("reports its bound address through nursery.start (port 0), and serves concurrent clients", async () => {
    await runIo(async () => {
      await giambio.withNursery(async (nursery) => {
        const addr = await nursery.start(giambio.serveTcp, echo, 0, { host: "127.0.0.1" });
        expect(addr.port).toBeGreaterThan(0);
        const replies = await Promise.all(
          [1, 2, 3, 4, 5].map(async (i) => {
            await using s = await giambio.openTcpStream("127.0.0.1", addr.port);
            const msg = `client ${i} `.repeat(i * 10);
            await s.sendAll(Buffer.from(msg));
            return (await receiveExactly(s, msg.length)).toString() === msg;
          }),
        );
        expect(replies).toEqual([true, true, true, true, true]);
        nursery.cancel();
      });
    });
  });

  it("is not disturbed by a client that disconnects mid-line, one that resets, or one that sends 1 MiB", async () => {
    await runIo(async () => {
      await giambio.withNursery(async (nursery) => {
        const addr = await nursery.start(
          giambio.serveTcp,
          async (stream: giambio.AsyncSocket) => {
            try {
              await echo(stream);
            } catch (err) {
              if (!(err instanceof giambio.BrokenResourceError)) throw err; // a reset is the client's business
            }
          },
          0,
          { host: "127.0.0.1" },
        );
        // Mid-line: send half a line and vanish.
        {
          await using s = await giambio.openTcpStream("127.0.0.1", addr.port);
          await s.sendAll(Buffer.from("half a li"));
        }
        // Reset: RST instead of FIN.
        const rst = await giambio.openTcpStream("127.0.0.1", addr.port);
        await rst.sendAll(Buffer.from("about to reset"));
        (rst.raw as net.Socket).resetAndDestroy();
        // 1 MiB at once, echoed back whole.
        const big = Buffer.alloc(1024 * 1024, 7);
        {
          await using s = await giambio.openTcpStream("127.0.0.1", addr.port);
          const reader = giambio.spawn(() => receiveExactly(s, big.length));
          await s.sendAll(big);
          expect((await reader.join()).equals(big)).toBe(true);
        }
        // And a well-behaved client still gets served.
        await using s = await giambio.openTcpStream("127.0.0.1", addr.port);
        await s.sendAll(Buffer.from("still there?"));
        expect((await receiveExactly(s, 12)).toString()).toBe("still there?");
        nursery.cancel();
      });
    });
  });

  it("leaves no socket open once cancelled and the run has ended", async () => {
    const before = sockets();
    await runIo(async () => {
      await giambio.withNursery(async (nursery) => {
        const addr = await nursery.start(giambio.serveTcp, echo, 0, { host: "127.0.0.1" });
        const s = await giambio.openTcpStream("127.0.0.1", addr.port);
        await s.sendAll(Buffer.from("x"));
        await receiveExactly(s, 1);
        nursery.cancel(); // the handler's connection is closed by serveTcp
        await s[Symbol.asyncDispose]();
      });
    });
    for (let i = 0; i < 10 && sockets() > before; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(sockets()).toBe(before);
  });
});

describe("AsyncSocket errors", () => {
  it("a peer reset is a BrokenResourceError with the Node error as cause", async () => {
    await runIo(async () => {
      await using listener = await giambio.listenTcp(0, "127.0.0.1");
      const [client, server] = await Promise.all([
        giambio.openTcpStream("127.0.0.1", listener.address.port),
        listener.accept(),
      ]);
      await using _s = server;
      (client.raw as net.Socket).resetAndDestroy();
      let error: unknown;
      for (let i = 0; i < 100 && error === undefined; i++) {
        const r = await outcome(server.receive());
        if (r.error !== undefined) error = r.error;
        else if ((r.value as Uint8Array).length === 0) break;
      }
      expect(error).toBeInstanceOf(giambio.BrokenResourceError);
      expect(((error as Error).cause as { code?: string }).code).toBe("ECONNRESET");
    });
  });

  it("sendAll honours backpressure: with a reader that does not read, it blocks", async () => {
    await runIo(async () => {
      await using listener = await giambio.listenTcp(0, "127.0.0.1");
      const [client, server] = await Promise.all([
        giambio.openTcpStream("127.0.0.1", listener.address.port),
        listener.accept(),
      ]);
      await using _c = client;
      await using _s = server;
      let sent = 0;
      const chunk = Buffer.alloc(256 * 1024);
      const writer = giambio.spawn(async function writer() {
        for (let i = 0; i < 256; i++) {
          await client.sendAll(chunk); // 64 MiB in all: far more than any socket buffer
          sent += chunk.length;
        }
      });
      // Wait until the writer is stuck in sendAll for a while (real time: I/O is real).
      await waitAllTasksBlocked(0.2);
      const node = taskTree().root.children.find((c) => c.name === "writer");
      expect(node?.waitingOn).toBe("AsyncSocket.sendAll");
      expect(sent).toBeLessThan(256 * chunk.length);
      writer.cancel();
    });
  });

  it("rejects a port out of range and a bad host, naming the argument", async () => {
    await runIo(async () => {
      expect(() => giambio.openTcpStream("localhost", 70000)).toThrow(
        "Expected `port` to be an integer from 0 to 65535, got `70000` (number)",
      );
      expect(() => giambio.listenTcp(-1)).toThrow(RangeError);
      expect(() => giambio.openTcpStream("", 80)).toThrow(
        "Expected `host` to be a non-empty string",
      );
      expect(() => giambio.serveTcp(echo, 1.5)).toThrow(RangeError);
      expect(() => giambio.wrapSocket({} as net.Socket)).toThrow(
        "Expected `sock` to be a net.Socket or net.Server",
      );
    });
  });
});

describe("openTcpStream", () => {
  it("happy eyeballs: when the first address never answers, the next starts after the delay and wins", async () => {
    await runIo(async () => {
      await using listener = await giambio.listenTcp(0, "127.0.0.1");
      const started: string[] = [];
      let blackholeAborted = false;
      const accepted = giambio.spawn(() => listener.accept());
      const s = await giambio.openTcpStream("example.test", listener.address.port, {
        happyEyeballsDelay: 0.05,
        lookup: () =>
          Promise.resolve([
            { address: "192.0.2.1", family: 4 }, // TEST-NET-1: never answers here
            { address: "127.0.0.1", family: 4 },
          ]),
        connect: (addr, port, signal) => {
          started.push(addr.address);
          if (addr.address === "192.0.2.1") {
            return new Promise<net.Socket>((_, reject) => {
              signal.addEventListener("abort", () => {
                blackholeAborted = true;
                reject(signal.reason as Error);
              });
            });
          }
          return new Promise<net.Socket>((resolve, reject) => {
            const sock = net.connect({ host: addr.address, port, allowHalfOpen: true });
            sock.once("connect", () => resolve(sock));
            sock.once("error", reject);
          });
        },
      });
      await using _s = s;
      await using _a = await accepted.join();
      expect(started).toEqual(["192.0.2.1", "127.0.0.1"]);
      expect(blackholeAborted).toBe(true); // the loser was cancelled
    });
  });

  it("interleaves address families, and reports every failure when all attempts fail", async () => {
    await runIo(async () => {
      const tried: string[] = [];
      const r = await outcome(
        giambio.openTcpStream("example.test", 9, {
          happyEyeballsDelay: 0.01,
          lookup: () =>
            Promise.resolve([
              { address: "::1", family: 6 },
              { address: "::2", family: 6 },
              { address: "127.0.0.1", family: 4 },
            ]),
          connect: (addr) => {
            tried.push(addr.address);
            return Promise.reject(new Error(`refused ${addr.address}`));
          },
        }),
      );
      expect(tried).toEqual(["::1", "127.0.0.1", "::2"]);
      expect(r.error).toBeInstanceOf(giambio.MultiError);
      expect((r.error as giambio.MultiError).errors.map((e) => (e as Error).message)).toEqual([
        "refused ::1",
        "refused 127.0.0.1",
        "refused ::2",
      ]);
    });
  });

  it("a cancellation around it stops every attempt", async () => {
    await runIo(async () => {
      let started = 0;
      let aborted = 0;
      const r = await giambio.withCancelScope((scope) =>
        giambio.openTcpStream("example.test", 80, {
          happyEyeballsDelay: 0.01,
          lookup: () =>
            Promise.resolve([
              { address: "192.0.2.1", family: 4 },
              { address: "192.0.2.2", family: 4 },
            ]),
          connect: (_addr, _port, signal) => {
            const pending = new Promise<net.Socket>((_, reject) =>
              signal.addEventListener("abort", () => {
                aborted++;
                reject(signal.reason as Error);
              }),
            );
            if (++started === 2) scope.cancel(); // both attempts are pending: stop them
            return pending;
          },
        }),
      );
      expect(r).toBeUndefined();
      expect(aborted).toBe(2);
    });
  });
});

describe("AsyncSocket.connect", () => {
  it("connects a wrapped socket that was not connected yet", async () => {
    await runIo(async () => {
      await using listener = await giambio.listenTcp(0, "127.0.0.1");
      await using client = giambio.wrapSocket(new net.Socket());
      const [, server] = await Promise.all([
        client.connect("127.0.0.1", listener.address.port),
        listener.accept(),
      ]);
      await using _s = server;
      await client.sendAll(Buffer.from("hi"));
      expect((await receiveExactly(server, 2)).toString()).toBe("hi");
      expect(server.remoteAddress.port).toBe(client.address.port);
    });
  });

  it("throws the Node error when the connection is refused", async () => {
    await runIo(async () => {
      const l = await giambio.listenTcp(0, "127.0.0.1");
      const port = l.address.port;
      await l[Symbol.asyncDispose](); // nothing listens there any more
      await using client = giambio.wrapSocket(new net.Socket());
      const r = await outcome(client.connect("127.0.0.1", port));
      expect((r.error as { code?: string }).code).toBe("ECONNREFUSED");
    });
  });

  it("is a checkpoint: cancelled code does not connect, and rejects bad arguments", async () => {
    await runIo(async () => {
      await using client = giambio.wrapSocket(new net.Socket());
      const r = await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        await client.connect("127.0.0.1", 9);
        return "connected";
      });
      expect(r).toBeUndefined();
      expect(() => client.connect(1 as never, 80)).toThrow("Expected `host` to be a string");
      expect(() => client.connect("127.0.0.1", 65536)).toThrow(RangeError);
    });
  });
});

describe("text helper", () => {
  it("decodes", () => expect(text(Buffer.from("ok"))).toBe("ok"));
});

describe("a stream still open when its run ends (SPEC §9)", () => {
  it("is closed by the run, with a GiambioWarning naming it", async () => {
    let raw: net.Socket | undefined;
    let server: net.Server | undefined;
    const warnings = await expectWarning(
      () =>
        runIo(async () => {
          const listener = await giambio.listenTcp(0, "127.0.0.1");
          server = listener.raw as net.Server;
          const s = await giambio.openTcpStream("127.0.0.1", listener.address.port);
          raw = s.raw as net.Socket;
          await s.sendAll(Buffer.from("left open"));
        }),
      "was still open when its run ended",
    );
    expect(warnings.map((w) => w.message.split(" was still open")[0])).toEqual([
      expect.stringMatching(/^a listening socket on 127\.0\.0\.1:\d+$/),
      // The peer's address, unless the peer's reset has already reached the socket.
      expect.stringMatching(/^a connection (to 127\.0\.0\.1|from local port )\d*:?\d+$/),
    ]);
    expect(raw?.destroyed).toBe(true);
    expect(server?.listening).toBe(false);
  });

  it("never keeps the process alive: a program that leaves sockets open exits on its own", () => {
    const root = path.resolve(__dirname, "..", "..");
    const result = spawnSync(
      process.execPath,
      [
        "-r",
        path.join(root, "spec/support/ts-register.js"),
        path.join(root, "spec/fixtures/left-open.ts"),
      ],
      { cwd: root, encoding: "utf8", timeout: 20_000 },
    );
    expect(result.signal).toBeNull(); // not killed by the timeout
    expect(result.status).toBe(0);
    expect(result.stdout).toBe("opened\n");
    const left = result.stderr.split("\n").filter((l) => l.includes("was still open"));
    expect(left).toHaveLength(2);
  });
});
