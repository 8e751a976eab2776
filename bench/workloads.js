"use strict";
// One workload, one implementation, in this process only:
//
//   node --expose-gc bench/workloads.js <workload> <impl> [--reps N] [--warmup N]
//
// prints one JSON line: { workload, impl, node, metrics: { name: [samples...] } }.
// `impl` is "raw" (hand-written promises, giambio is never loaded, so AsyncLocalStorage is
// never enabled in this process) or "giambio". bench/run.js starts one process per
// (workload, impl, Node version) and takes the medians.
//
// The library is loaded from $GIAMBIO_BENCH_DIST (run.js points it at a snapshot of
// dist/cjs taken right after `npm run build`), else from ../dist/cjs.

const path = require("node:path");
const { performance } = require("node:perf_hooks");

const DIST = process.env.GIAMBIO_BENCH_DIST || path.join(__dirname, "..", "dist", "cjs");

let giambioModule = null;
/** Loads giambio lazily: a "raw" process must never load it. */
function g() {
  return (giambioModule ??= require(path.join(DIST, "index.js")));
}

const now = () => performance.now();
const HOUR = 3600;

function gc() {
  if (typeof global.gc !== "function") throw new Error("run with --expose-gc");
  global.gc();
  global.gc();
}

/** Waits for a macrotask turn (lets pending timers/immediates settle between reps). */
function turn() {
  return new Promise((resolve) => setImmediate(resolve));
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------
// 1. spawn and join 100,000 empty tasks
// ---------------------------------------------------------------------------------------
const SPAWN_N = 100_000;

async function emptyAsync() {}

const spawnJoin = {
  async raw() {
    const t0 = now();
    const promises = new Array(SPAWN_N);
    for (let i = 0; i < SPAWN_N; i++) promises[i] = emptyAsync();
    await Promise.all(promises);
    return { ms: now() - t0 };
  },
  async giambio() {
    const giambio = g();
    return giambio.run(async () => {
      // withNursery spawning 100k empty async functions
      let t0 = now();
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < SPAWN_N; i++) nursery.spawn(emptyAsync);
      });
      const ms = now() - t0;
      // spawn() into the task's implicit nursery, then join() each in turn
      t0 = now();
      const tasks = new Array(SPAWN_N);
      for (let i = 0; i < SPAWN_N; i++) tasks[i] = giambio.spawn(emptyAsync);
      for (let i = 0; i < SPAWN_N; i++) await tasks[i].join();
      const spawnJoinMs = now() - t0;
      return { ms, spawnJoinMs };
    });
  },
};

// ---------------------------------------------------------------------------------------
// 2. 10,000 tasks parked for an hour, then cancelled
// ---------------------------------------------------------------------------------------
const PARK_N = 10_000;

const parkCancel = {
  async raw() {
    gc();
    const before = process.memoryUsage().heapUsed;
    const cancels = new Set();
    const reason = new Error("cancelled");
    let settled = 0;
    const promises = new Array(PARK_N);
    for (let i = 0; i < PARK_N; i++) {
      promises[i] = (async () => {
        try {
          await new Promise((resolve, reject) => {
            const timer = setTimeout(resolve, HOUR * 1000);
            const cancel = () => {
              clearTimeout(timer);
              reject(reason);
            };
            cancels.add(cancel);
          });
        } catch (err) {
          if (err !== reason) throw err;
        } finally {
          settled++;
        }
      })();
    }
    await turn();
    gc();
    const bytesPerTask = (process.memoryUsage().heapUsed - before) / PARK_N;
    const t0 = now();
    for (const cancel of cancels) cancel();
    cancels.clear();
    await Promise.all(promises);
    const cancelMs = now() - t0;
    if (settled !== PARK_N) throw new Error("raw park: not all settled");
    return { bytesPerTask, cancelMs };
  },
  async giambio() {
    const giambio = g();
    return giambio.run(async () => {
      let bytesPerTask = 0;
      let t0 = 0;
      let parked = 0;
      async function sleeper() {
        parked++;
        await giambio.sleep(HOUR);
      }
      gc();
      const before = process.memoryUsage().heapUsed;
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < PARK_N; i++) nursery.spawn(sleeper);
        while (parked < PARK_N) await giambio.sleep(0.001);
        gc();
        bytesPerTask = (process.memoryUsage().heapUsed - before) / PARK_N;
        t0 = now();
        nursery.cancel();
      });
      const cancelMs = now() - t0;
      return { bytesPerTask, cancelMs };
    });
  },
};

// ---------------------------------------------------------------------------------------
// 3. 1,000,000 checkpoints in one task
// ---------------------------------------------------------------------------------------
const YIELD_N = 1_000_000;

const checkpoints = {
  async raw() {
    const t0 = now();
    for (let i = 0; i < YIELD_N; i++) await undefined;
    return { ms: now() - t0 };
  },
  async giambio() {
    const giambio = g();
    return giambio.run(async () => {
      const t0 = now();
      for (let i = 0; i < YIELD_N; i++) await giambio.checkpoint();
      return { ms: now() - t0 };
    });
  },
};

// ---------------------------------------------------------------------------------------
// 4. 100,000 sleepers with random 0-10 ms deadlines, real clock
// ---------------------------------------------------------------------------------------
const TIMER_N = 100_000;

const timers = {
  async raw() {
    const t0 = now();
    const promises = new Array(TIMER_N);
    for (let i = 0; i < TIMER_N; i++) {
      // Whole milliseconds: Node keeps one timer list per distinct duration, so fractional
      // durations would create ~100k lists; rounding is what a careful hand-written
      // version does (and Node timers have 1 ms resolution anyway).
      const ms = Math.round(Math.random() * 10);
      promises[i] = new Promise((resolve) => setTimeout(resolve, ms));
    }
    await Promise.all(promises);
    return { ms: now() - t0 };
  },
  async giambio() {
    const giambio = g();
    async function sleeper() {
      await giambio.sleep(Math.random() * 0.01);
    }
    return giambio.run(async () => {
      const t0 = now();
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < TIMER_N; i++) nursery.spawn(sleeper);
      });
      return { ms: now() - t0 };
    });
  },
};

// ---------------------------------------------------------------------------------------
// 5. 1,000 parked children, one fails: time until the error reaches the parent
// ---------------------------------------------------------------------------------------
const FAIL_N = 1_000;

class Boom extends Error {}

const failFast = {
  async raw() {
    const cancels = new Set();
    const reason = new Error("cancelled");
    let parked = 0;
    let t0 = 0;
    const boom = new Boom("boom");
    const promises = new Array(FAIL_N);
    for (let i = 0; i < FAIL_N - 1; i++) {
      promises[i] = (async () => {
        parked++;
        await new Promise((resolve, reject) => {
          cancels.add(() => reject(reason));
        });
      })();
    }
    promises[FAIL_N - 1] = (async () => {
      while (parked < FAIL_N - 1) await pause(1);
      await pause(2);
      t0 = now();
      throw boom;
    })();
    try {
      await Promise.all(promises);
      throw new Error("raw fail: Promise.all resolved");
    } catch (err) {
      if (err !== boom) throw err;
      for (const cancel of cancels) cancel();
      cancels.clear();
      await Promise.allSettled(promises);
    }
    return { ms: now() - t0 };
  },
  async giambio() {
    const giambio = g();
    let parked = 0;
    let t0 = 0;
    const boom = new Boom("boom");
    async function child() {
      parked++;
      await giambio.sleepForever();
    }
    async function failing() {
      while (parked < FAIL_N - 1) await giambio.sleep(0.001);
      await giambio.sleep(0.002);
      t0 = now();
      throw boom;
    }
    return giambio.run(async () => {
      try {
        await giambio.withNursery(async (nursery) => {
          for (let i = 0; i < FAIL_N - 1; i++) nursery.spawn(child);
          nursery.spawn(failing);
        });
        throw new Error("giambio fail: withNursery returned");
      } catch (err) {
        if (err !== boom) throw err;
      }
      return { ms: now() - t0 };
    });
  },
};

// ---------------------------------------------------------------------------------------
// 6. the event-loop yield policy: timer latency while one task spins on checkpoints
// ---------------------------------------------------------------------------------------
const SPIN_MS = 200;

/**
 * Measures, while `spin()` runs, the worst delay of a setImmediate chain and of a
 * setTimeout(0) chain (each callback re-arms itself and records how late it ran).
 */
async function withProbes(spin) {
  let stop = false;
  let worstImmediate = 0;
  let worstTimeout = 0;
  let immediates = 0;
  let timeouts = 0;
  let immAt = now();
  const onImmediate = () => {
    const t = now();
    worstImmediate = Math.max(worstImmediate, t - immAt);
    immediates++;
    immAt = t;
    if (!stop) setImmediate(onImmediate);
  };
  let toAt = now();
  const onTimeout = () => {
    const t = now();
    worstTimeout = Math.max(worstTimeout, t - toAt);
    timeouts++;
    toAt = t;
    if (!stop) setTimeout(onTimeout, 0);
  };
  // Let the probes run once before the spin starts, so both are armed in steady state.
  setImmediate(onImmediate);
  setTimeout(onTimeout, 0);
  await pause(5);
  const result = await spin();
  stop = true;
  await pause(5);
  return { ...result, worstImmediate, worstTimeout, immediates, timeouts };
}

/** Bench-only switch: makes the runner never yield to the event loop (policy off). */
function disableYieldPolicy() {
  const { Runner } = require(path.join(DIST, "core", "runner.js"));
  Runner.prototype._overBudget = function () {
    return false;
  };
}

const yieldPolicy = {
  async raw() {
    return withProbes(async () => {
      let n = 0;
      const t0 = now();
      while (now() - t0 < SPIN_MS) {
        for (let i = 0; i < 1000; i++) await undefined;
        n += 1000;
      }
      const ms = now() - t0;
      return { ms, perSec: (n / ms) * 1000 };
    });
  },
  async giambio() {
    const giambio = g();
    return withProbes(() =>
      giambio.run(async () => {
        let n = 0;
        const t0 = now();
        while (now() - t0 < SPIN_MS) {
          for (let i = 0; i < 1000; i++) await giambio.checkpoint();
          n += 1000;
        }
        const ms = now() - t0;
        return { ms, perSec: (n / ms) * 1000 };
      }),
    );
  },
};
yieldPolicy.giambioNoYield = async () => {
  disableYieldPolicy();
  return yieldPolicy.giambio();
};
checkpoints.giambioNoYield = async () => {
  disableYieldPolicy();
  return checkpoints.giambio();
};

const WORKLOADS = { spawnJoin, parkCancel, checkpoints, timers, failFast, yieldPolicy };

async function main() {
  const [name, impl, ...rest] = process.argv.slice(2);
  const opt = (flag, dflt) => {
    const i = rest.indexOf(flag);
    return i >= 0 ? Number(rest[i + 1]) : dflt;
  };
  const reps = opt("--reps", 5);
  const warmup = opt("--warmup", 2);
  const workload = WORKLOADS[name];
  const fn = workload && workload[impl];
  if (typeof fn !== "function") {
    const list = Object.entries(WORKLOADS).map(([w, o]) => `${w}: ${Object.keys(o).join(", ")}`);
    throw new Error(`usage: workloads.js <workload> <impl>\n  ${list.join("\n  ")}`);
  }
  for (let i = 0; i < warmup; i++) {
    await fn();
    gc();
    await pause(5);
  }
  const metrics = {};
  for (let i = 0; i < reps; i++) {
    const sample = await fn();
    for (const [k, v] of Object.entries(sample)) (metrics[k] ??= []).push(v);
    gc();
    await pause(5);
  }
  process.stdout.write(
    JSON.stringify({ workload: name, impl, node: process.version, metrics }) + "\n",
  );
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
