"use strict";
// The echo benchmark: a giambio echo server and a raw `net` callback echo server, each in
// its own process, loaded by clients in a third process; then 1,000 idle connections to
// each, for the heap cost per connection.
//
//   npm run build && node bench/echo.js [--clients 50] [--messages 2000] [--idle 1000] [--json]
//
// Prints requests/s, p50/p99 latency and the ratios giambio/raw. GIAMBIO_BENCH_DIST points
// at a build of the library (default ../dist/cjs).

const { fork } = require("node:child_process");
const net = require("node:net");
const path = require("node:path");

const DIST = process.env.GIAMBIO_BENCH_DIST || path.join(__dirname, "..", "dist", "cjs");
const MESSAGE = Buffer.alloc(64, "x");

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

// ---------------------------------------------------------------------------------------
// Servers (run in a child process: `node bench/echo.js --serve raw|giambio`)

function gcHeap() {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

function serveRaw() {
  let conns = 0;
  const server = net.createServer((sock) => {
    conns++;
    sock.on("data", (d) => sock.write(d));
    sock.on("error", () => {});
    sock.on("close", () => conns--);
  });
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
  process.on("message", (m) => {
    if (m === "heap") process.send({ heap: gcHeap(), conns });
    if (m === "stop") server.close(() => process.exit(0));
  });
}

function serveGiambio() {
  const giambio = require(path.join(DIST, "index.js"));
  let conns = 0;
  async function echo(stream) {
    conns++;
    try {
      for (;;) {
        const data = await stream.receive(65536);
        if (data.length === 0) return;
        await stream.sendAll(data);
      }
    } catch (err) {
      if (!(err instanceof giambio.BrokenResourceError)) throw err;
    } finally {
      conns--;
    }
  }
  giambio
    .runWith({ handleSignals: false, recordSites: false }, async () => {
      await giambio.withNursery(async (nursery) => {
        const addr = await nursery.start(giambio.serveTcp, echo, 0, { host: "127.0.0.1" });
        process.send({ port: addr.port });
        const stop = new giambio.Event();
        process.on("message", (m) => {
          if (m === "heap") process.send({ heap: gcHeap(), conns });
          if (m === "stop") stop.set();
        });
        await stop.wait();
        nursery.cancel();
      });
    })
    .then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
}

// ---------------------------------------------------------------------------------------
// Clients (in the parent process: plain net sockets, the same for both servers)

function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
    s.setNoDelay(true);
  });
}

/** One client: `n` request/response rounds of one 64-byte message; returns latencies (ms). */
async function client(port, n) {
  const s = await connect(port);
  const lat = new Array(n);
  let i = 0;
  let got = 0;
  let t0 = 0;
  await new Promise((resolve, reject) => {
    s.on("data", (d) => {
      got += d.length;
      if (got < MESSAGE.length) return;
      got -= MESSAGE.length;
      lat[i++] = performance.now() - t0;
      if (i === n) return resolve();
      t0 = performance.now();
      s.write(MESSAGE);
    });
    s.on("error", reject);
    t0 = performance.now();
    s.write(MESSAGE);
  });
  s.destroy();
  return lat;
}

function request(child, msg) {
  return new Promise((resolve) => {
    child.once("message", resolve);
    child.send(msg);
  });
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(kind, clients, messages, idle) {
  const child = fork(__filename, ["--serve", kind], { execArgv: ["--expose-gc"] });
  const { port } = await new Promise((resolve) => child.once("message", resolve));
  // Warm-up.
  await Promise.all(Array.from({ length: clients }, () => client(port, 200)));
  const t0 = performance.now();
  const all = await Promise.all(Array.from({ length: clients }, () => client(port, messages)));
  const seconds = (performance.now() - t0) / 1000;
  const lat = all.flat().sort((a, b) => a - b);
  // Idle connections: heap per connection on the server.
  const before = await request(child, "heap");
  const socks = [];
  for (let i = 0; i < idle; i++) socks.push(await connect(port));
  let after;
  for (let k = 0; k < 50; k++) {
    after = await request(child, "heap");
    if (after.conns >= idle) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const perConn = (after.heap - before.heap) / idle;
  for (const s of socks) s.destroy();
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.send("stop");
  await exited;
  return { rps: (clients * messages) / seconds, p50: pct(lat, 50), p99: pct(lat, 99), perConn };
}

async function main() {
  const clients = arg("--clients", 50);
  const messages = arg("--messages", 2000);
  const idle = arg("--idle", 1000);
  const raw = await measure("raw", clients, messages, idle);
  const g = await measure("giambio", clients, messages, idle);
  const result = {
    node: process.version,
    clients,
    messages,
    raw,
    giambio: g,
    ratios: { throughput: g.rps / raw.rps, p50: g.p50 / raw.p50, p99: g.p99 / raw.p99 },
  };
  if (process.argv.includes("--json")) {
    process.stdout.write(JSON.stringify(result) + "\n");
    return;
  }
  const f = (x, d = 0) => x.toFixed(d);
  console.log(`echo, ${clients} clients x ${messages} round trips of 64 B (${process.version})`);
  console.log(`              requests/s   p50 ms   p99 ms   heap/idle conn`);
  for (const [name, r] of [
    ["raw net", raw],
    ["giambio", g],
  ]) {
    console.log(
      `  ${name.padEnd(10)} ${f(r.rps).padStart(12)} ${f(r.p50, 3).padStart(8)} ${f(r.p99, 3).padStart(8)} ${f(r.perConn).padStart(10)} B`,
    );
  }
  console.log(
    `  giambio/raw: throughput ${f(result.ratios.throughput, 2)}x (target >= 0.9), ` +
      `p99 ${f(result.ratios.p99, 2)}x (target <= 1.5)`,
  );
}

if (process.argv[2] === "--serve") {
  if (process.argv[3] === "raw") serveRaw();
  else serveGiambio();
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
