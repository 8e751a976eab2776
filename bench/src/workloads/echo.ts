/**
 * The echo server, giambio (`serveTcp`) against raw (`net` callbacks): this child is the
 * server, and 50 clients in a process of their own (echo-clients.ts) send 64-byte messages
 * round after round; then 1,000 idle connections, for the server's heap per connection.
 *
 * @module
 */
import { fork, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import { fileURLToPath } from "node:url";
import type { ClientReport } from "../echo-clients.js";
import { loadGiambio, type Stream } from "../support/giambio.js";
import { heapAfterGc, pause } from "../support/timing.js";
import { defineWorkload, ratioAtLeast, ratioAtMost, type Metrics } from "../workload.js";

interface Size {
  readonly clients: number;
  readonly messages: number;
  readonly warmupMessages: number;
  readonly idle: number;
}

const CLIENTS_JS = fileURLToPath(new URL("../echo-clients.js", import.meta.url));

/** The next message from `child`; rejects if it exits first. */
function nextReport(child: ChildProcess): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => {
      reject(new Error(`echo-clients exited (code ${code}) before reporting`));
    };
    child.once("exit", onExit);
    child.once("message", (message) => {
      child.off("exit", onExit);
      resolve(message as ClientReport);
    });
  });
}

/** Polls `condition` every 5 ms, for up to 10 s. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 10_000) throw new Error(`echo: timed out waiting for ${what}`);
    await pause(5);
  }
}

/** Runs the clients against the server on `port`; `connections()` counts the server's. */
async function driveClients(port: number, size: Size, connections: () => number): Promise<Metrics> {
  const args = [port, size.clients, size.messages, size.warmupMessages, size.idle].map(String);
  const clients = fork(CLIENTS_JS, args, { execArgv: [] });
  const exited = new Promise((resolve) => clients.once("exit", resolve));
  const measured = await nextReport(clients);
  if (measured.kind !== "measured") throw new Error(`echo: unexpected ${measured.kind}`);
  await until(() => connections() === 0, "the measured connections to close");
  const before = heapAfterGc();
  clients.send("open-idle");
  await nextReport(clients);
  await until(() => connections() >= size.idle, "the idle connections");
  const bytesPerConnection = (heapAfterGc() - before) / size.idle;
  clients.send("done");
  await exited;
  return { rps: measured.rps, p50: measured.p50, p99: measured.p99, bytesPerConnection };
}

export const echo = defineWorkload({
  id: "echo",
  title: "echo server: 50 clients x 2,000 round trips of 64 B (giambio vs raw net)",
  quick: true,
  sizes: {
    full: { clients: 50, messages: 2_000, warmupMessages: 200, idle: 1_000 },
    smoke: { clients: 2, messages: 20, warmupMessages: 5, idle: 10 },
  },
  // The clients warm the server up inside each run.
  maxWarmups: 0,
  maxRounds: 3,
  variants: {
    async raw(size: Size) {
      let connections = 0;
      const server = net.createServer((socket) => {
        connections++;
        socket.on("data", (data) => socket.write(data));
        socket.on("error", () => {});
        socket.on("close", () => connections--);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as net.AddressInfo;
      try {
        return await driveClients(port, size, () => connections);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },

    async giambio(size: Size) {
      const giambio = loadGiambio();
      let connections = 0;
      async function echoConnection(stream: Stream): Promise<void> {
        connections++;
        try {
          for (;;) {
            const data = await stream.receive(65_536);
            if (data.length === 0) return;
            await stream.sendAll(data);
          }
        } catch (err) {
          if (!(err instanceof giambio.BrokenResourceError)) throw err;
        } finally {
          connections--;
        }
      }
      return giambio.run(async () => {
        let metrics: Metrics = {};
        await giambio.withNursery(async (nursery) => {
          const address = await nursery.start(giambio.serveTcp, echoConnection, 0, {
            host: "127.0.0.1",
          });
          metrics = await giambio.cancellable(driveClients(address.port, size, () => connections));
          nursery.cancel();
        });
        return metrics;
      });
    },
  },
  rows: [
    {
      label: "throughput, 50 clients",
      unit: "req/s",
      metric: "rps",
      baseline: "raw",
      giambio: "giambio",
      target: ratioAtLeast(0.9),
    },
    {
      label: "latency p50",
      unit: "ms",
      metric: "p50",
      baseline: "raw",
      giambio: "giambio",
    },
    {
      label: "latency p99",
      unit: "ms",
      metric: "p99",
      baseline: "raw",
      giambio: "giambio",
      target: ratioAtMost(1.5),
    },
    {
      label: "server heap per idle connection",
      unit: "B",
      metric: "bytesPerConnection",
      baseline: "raw",
      giambio: "giambio",
    },
  ],
});
