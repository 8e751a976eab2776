/**
 * The echo workload's clients, in a process of their own (forked by the server's child, so
 * that clients and server never share a CPU's event loop):
 *
 *   echo-clients.js <port> <clients> <messages> <warmupMessages> <idle>
 *
 * Each client sends one 64-byte message, waits for the echo, and repeats: first
 * `warmupMessages` times (warming the server up), then `messages` times, measured. Sends
 * `{ kind: "measured", rps, p50, p99 }` to the parent; on "open-idle", opens `idle` more
 * connections and sends `{ kind: "idle-open" }`; on "done", closes them and exits.
 *
 * @module
 */
import * as net from "node:net";
import { now } from "./support/timing.js";

/** What the clients report to the server's child. */
export type ClientReport =
  | { readonly kind: "measured"; readonly rps: number; readonly p50: number; readonly p99: number }
  | { readonly kind: "idle-open" };

const MESSAGE = Buffer.alloc(64, "x");

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
    socket.setNoDelay(true);
  });
}

/** One client: `rounds` request/response rounds; the latency of each, in ms. */
async function client(port: number, rounds: number): Promise<Float64Array> {
  const socket = await connect(port);
  const latencies = new Float64Array(rounds);
  let done = 0;
  let pending = 0;
  let t0 = 0;
  await new Promise<void>((resolve, reject) => {
    socket.on("data", (data: Buffer) => {
      pending += data.length;
      if (pending < MESSAGE.length) return;
      pending -= MESSAGE.length;
      latencies[done++] = now() - t0;
      if (done === rounds) return resolve();
      t0 = now();
      socket.write(MESSAGE);
    });
    socket.on("error", reject);
    t0 = now();
    socket.write(MESSAGE);
  });
  socket.destroy();
  return latencies;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function report(message: ClientReport): void {
  process.send?.(message);
}

function nextCommand(): Promise<unknown> {
  return new Promise((resolve) => process.once("message", resolve));
}

async function main(): Promise<void> {
  const [port, clients, messages, warmupMessages, idle] = process.argv.slice(2).map(Number);
  if (port === undefined || clients === undefined || messages === undefined) {
    throw new Error("usage: echo-clients.js <port> <clients> <messages> <warmupMessages> <idle>");
  }
  const all = (rounds: number): Promise<Float64Array[]> =>
    Promise.all(Array.from({ length: clients }, () => client(port, rounds)));
  await all(warmupMessages ?? 0);
  const t0 = now();
  const latencies = await all(messages);
  const seconds = (now() - t0) / 1000;
  const sorted = new Float64Array(clients * messages);
  latencies.forEach((l, i) => sorted.set(l, i * messages));
  sorted.sort();
  report({
    kind: "measured",
    rps: (clients * messages) / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  });
  await nextCommand(); // "open-idle"
  const sockets: net.Socket[] = [];
  for (let i = 0; i < (idle ?? 0); i++) sockets.push(await connect(port));
  report({ kind: "idle-open" });
  await nextCommand(); // "done"
  for (const socket of sockets) socket.destroy();
  process.disconnect();
}

main().catch((err: unknown) => {
  process.stderr.write(`echo-clients: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
