"use strict";
// Channel and lock benchmarks, each beside a hand-written raw Promise hand-off measured
// in a process of its own (so giambio's AsyncLocalStorage does not slow the raw side):
//
//   npm run build && node bench/channels.js [--reps 5] [--json]
//
// - pingpong: 100,000 messages bounced between two tasks over two rendezvous channels
//   (raw: two promise-based one-slot mailboxes);
// - fanout: 1 producer, 100 consumers, 100,000 messages through one channel of size 100
//   (raw: a queue of pending resolvers);
// - lock: 100 tasks taking one Lock 10,000 times each (raw: a promise-chain mutex).

const { execFileSync } = require("node:child_process");
const path = require("node:path");

const DIST = process.env.GIAMBIO_BENCH_DIST || path.join(__dirname, "..", "dist", "cjs");
const N = 100_000;
const LOCK_EACH = 10_000;

/** A raw one-slot mailbox: put waits until the value is taken (a rendezvous). */
class Mailbox {
  constructor() {
    this.takers = [];
    this.putters = [];
  }
  put(v) {
    const t = this.takers.shift();
    if (t) {
      t(v);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.putters.push([v, resolve]));
  }
  take() {
    const p = this.putters.shift();
    if (p) {
      p[1]();
      return Promise.resolve(p[0]);
    }
    return new Promise((resolve) => this.takers.push(resolve));
  }
}

/** A raw bounded queue with waiting consumers and producers. */
class RawQueue {
  constructor(max) {
    this.max = max;
    this.items = [];
    this.takers = [];
    this.putters = [];
    this.closed = false;
  }
  async put(v) {
    const t = this.takers.shift();
    if (t) return t(v);
    if (this.items.length < this.max) return void this.items.push(v);
    await new Promise((resolve) => this.putters.push(resolve));
    return this.put(v);
  }
  take() {
    if (this.items.length > 0) {
      const v = this.items.shift();
      const p = this.putters.shift();
      if (p) p();
      return Promise.resolve(v);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.takers.push(resolve));
  }
  close() {
    this.closed = true;
    for (const t of this.takers.splice(0)) t(undefined);
  }
}

const raw = {
  async pingpong() {
    const a = new Mailbox();
    const b = new Mailbox();
    const t0 = performance.now();
    const ping = (async () => {
      for (let i = 0; i < N / 2; i++) {
        await a.put(i);
        await b.take();
      }
    })();
    const pong = (async () => {
      for (let i = 0; i < N / 2; i++) {
        await b.put(await a.take());
      }
    })();
    await Promise.all([ping, pong]);
    return performance.now() - t0;
  },
  async fanout() {
    const q = new RawQueue(100);
    let got = 0;
    const t0 = performance.now();
    const consumers = Array.from({ length: 100 }, async () => {
      for (;;) {
        const v = await q.take();
        if (v === undefined) return;
        got++;
      }
    });
    for (let i = 0; i < N; i++) await q.put(i);
    q.close();
    await Promise.all(consumers);
    if (got !== N) throw new Error("raw fanout lost messages");
    return performance.now() - t0;
  },
  async lock() {
    let tail = Promise.resolve();
    const acquire = () => {
      let release;
      const next = new Promise((r) => (release = r));
      const prev = tail;
      tail = tail.then(() => next);
      return prev.then(() => release);
    };
    let count = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 100 }, async () => {
        for (let i = 0; i < LOCK_EACH; i++) {
          const release = await acquire();
          count++;
          await undefined;
          release();
        }
      }),
    );
    if (count !== 100 * LOCK_EACH) throw new Error("raw lock count");
    return performance.now() - t0;
  },
};

const giambioImpl = {
  async pingpong(g) {
    return g.runWith({ handleSignals: false }, async () => {
      const [toB, fromA] = g.openMemoryChannel(0);
      const [toA, fromB] = g.openMemoryChannel(0);
      const t0 = performance.now();
      await g.withNursery(async (nursery) => {
        nursery.spawn(async () => {
          for (let i = 0; i < N / 2; i++) {
            await toB.send(i);
            await fromB.receive();
          }
        });
        nursery.spawn(async () => {
          for (let i = 0; i < N / 2; i++) await toA.send(await fromA.receive());
        });
      });
      return performance.now() - t0;
    });
  },
  async fanout(g) {
    return g.runWith({ handleSignals: false }, async () => {
      const [send, receive] = g.openMemoryChannel(100);
      let got = 0;
      const t0 = performance.now();
      await g.withNursery(async (nursery) => {
        for (let c = 0; c < 100; c++) {
          const r = receive.clone();
          nursery.spawn(async () => {
            // eslint-disable-next-line no-unused-vars
            for await (const _ of r) got++;
          });
        }
        receive.close();
        for (let i = 0; i < N; i++) await send.send(i);
        send.close();
      });
      if (got !== N) throw new Error("giambio fanout lost messages");
      return performance.now() - t0;
    });
  },
  async lock(g) {
    return g.runWith({ handleSignals: false }, async () => {
      const lock = new g.Lock();
      let count = 0;
      const t0 = performance.now();
      await g.withNursery(async (nursery) => {
        for (let t = 0; t < 100; t++) {
          nursery.spawn(async () => {
            for (let i = 0; i < LOCK_EACH; i++) {
              await lock.acquire();
              count++;
              await g.checkpoint();
              lock.release();
            }
          });
        }
      });
      if (count !== 100 * LOCK_EACH) throw new Error("giambio lock count");
      return performance.now() - t0;
    });
  },
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function child(workload, impl, reps) {
  const fn = impl === "raw" ? raw[workload] : giambioImpl[workload];
  const g = impl === "raw" ? null : require(path.join(DIST, "index.js"));
  await fn(g); // warm-up
  const samples = [];
  for (let i = 0; i < reps; i++) samples.push(await fn(g));
  process.stdout.write(JSON.stringify(samples) + "\n");
}

function main() {
  const i = process.argv.indexOf("--reps");
  const reps = i >= 0 ? Number(process.argv[i + 1]) : 5;
  const rows = [];
  for (const [workload, label, target] of [
    ["pingpong", "ping-pong, 100,000 messages (ms)", 2],
    ["fanout", "fan-out 1 -> 100 consumers, 100,000 messages (ms)", 2],
    ["lock", "100 tasks x 10,000 acquisitions of one Lock (ms)", null],
  ]) {
    const run = (impl) =>
      median(
        JSON.parse(
          execFileSync(process.execPath, [__filename, "--child", workload, impl, String(reps)], {
            encoding: "utf8",
            env: { ...process.env, NODE_ENV: process.env.NODE_ENV ?? "production" },
          }),
        ),
      );
    const r = run("raw");
    const gm = run("giambio");
    rows.push({ workload, label, raw: r, giambio: gm, ratio: gm / r, target });
  }
  if (process.argv.includes("--json")) {
    process.stdout.write(JSON.stringify({ node: process.version, rows }) + "\n");
    return;
  }
  console.log(`channels and locks (${process.version}, medians of ${reps})`);
  for (const row of rows) {
    const t =
      row.target === null
        ? ""
        : `  target <= ${row.target}x: ${row.ratio <= row.target ? "met" : "MISSED"}`;
    console.log(
      `  ${row.label.padEnd(52)} raw ${row.raw.toFixed(1).padStart(7)}  giambio ${row.giambio.toFixed(1).padStart(7)}  ${row.ratio.toFixed(2)}x${t}`,
    );
  }
}

if (process.argv[2] === "--child") {
  child(process.argv[3], process.argv[4], Number(process.argv[5])).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main();
}
