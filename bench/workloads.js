"use strict";
// One workload, one implementation, in this process only:
//
//   node --expose-gc bench/workloads.js <workload> <impl> [--reps N] [--warmup N]
//
// prints one JSON line: { workload, impl, node, metrics: { name: [samples...] } }.
// `impl` is "raw" (hand-written promises, giambio is never loaded, so AsyncLocalStorage is
// never enabled in this process) or "giambio"; some workloads have more (`giambioNoYield`:
// giambio with the event-loop yield policy switched off; `als`: raw code after an
// `als.run`). Run it without arguments for the list. bench/run.js starts one process per
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

// ---------------------------------------------------------------------------------------
// 7. AbortSignals: a task that never asks for one vs a task that reads currentSignal()
// ---------------------------------------------------------------------------------------
// Scopes make their AbortController lazily (lib/core/cancel-scope.ts), so a task that never
// reads a signal should cost nothing extra. `raw` is the hand-written equivalent: an async
// function per task, with its own AbortController when it needs a signal.
const SIGNAL_N = 100_000;
const SIGNAL_PARK_N = 10_000;

function rawWithController() {
  const controller = new AbortController();
  return (async (signal) => {
    void signal.aborted;
  })(controller.signal);
}

const signals = {
  async raw() {
    const promises = new Array(SIGNAL_N);
    let t0 = now();
    for (let i = 0; i < SIGNAL_N; i++) promises[i] = emptyAsync();
    await Promise.all(promises);
    const plainMs = now() - t0;
    t0 = now();
    for (let i = 0; i < SIGNAL_N; i++) promises[i] = rawWithController();
    await Promise.all(promises);
    const signalMs = now() - t0;
    // 10k parked tasks, each listening on its own signal, then all aborted.
    gc();
    const before = process.memoryUsage().heapUsed;
    const controllers = new Array(SIGNAL_PARK_N);
    const parked = new Array(SIGNAL_PARK_N);
    for (let i = 0; i < SIGNAL_PARK_N; i++) {
      const controller = (controllers[i] = new AbortController());
      parked[i] = (async (signal) => {
        try {
          await new Promise((resolve, reject) => {
            signal.addEventListener("abort", () => reject(signal.reason), { once: true });
          });
        } catch {
          // aborted
        }
      })(controller.signal);
    }
    await turn();
    gc();
    const parkedBytesPerTask = (process.memoryUsage().heapUsed - before) / SIGNAL_PARK_N;
    t0 = now();
    for (let i = 0; i < SIGNAL_PARK_N; i++) controllers[i].abort();
    await Promise.all(parked);
    const parkedCancelMs = now() - t0;
    return {
      plainMs,
      signalMs,
      extraUsPerTask: ((signalMs - plainMs) / SIGNAL_N) * 1000,
      parkedBytesPerTask,
      parkedCancelMs,
    };
  },
  async giambio() {
    const giambio = g();
    async function readsSignal() {
      void giambio.currentSignal().aborted;
    }
    return giambio.run(async () => {
      let t0 = now();
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < SIGNAL_N; i++) nursery.spawn(emptyAsync);
      });
      const plainMs = now() - t0;
      t0 = now();
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < SIGNAL_N; i++) nursery.spawn(readsSignal);
      });
      const signalMs = now() - t0;
      // 10k parked tasks, each listening on currentSignal(), then the nursery cancelled.
      let parked = 0;
      let parkedBytesPerTask = 0;
      async function listener() {
        const signal = giambio.currentSignal();
        signal.addEventListener("abort", () => {}, { once: true });
        parked++;
        await giambio.sleepForever();
      }
      gc();
      const before = process.memoryUsage().heapUsed;
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < SIGNAL_PARK_N; i++) nursery.spawn(listener);
        while (parked < SIGNAL_PARK_N) await giambio.sleep(0.001);
        gc();
        parkedBytesPerTask = (process.memoryUsage().heapUsed - before) / SIGNAL_PARK_N;
        t0 = now();
        nursery.cancel();
      });
      const parkedCancelMs = now() - t0;
      return {
        plainMs,
        signalMs,
        extraUsPerTask: ((signalMs - plainMs) / SIGNAL_N) * 1000,
        parkedBytesPerTask,
        parkedCancelMs,
      };
    });
  },
};

// 10k tasks that each start listening for an abort: on their own AbortController each, or
// all on ONE shared signal (what a naive signal-per-parent design does). EventTarget looks
// for duplicate listeners in a list, so the shared case is O(listeners) per listener.
const SHARED_N = 10_000;

async function listeners(shared) {
  const { setMaxListeners } = require("node:events");
  const sharedController = new AbortController();
  setMaxListeners(0, sharedController.signal);
  const controllers = new Array(SHARED_N);
  const parked = new Array(SHARED_N);
  const t0 = now();
  for (let i = 0; i < SHARED_N; i++) {
    const controller = shared ? sharedController : (controllers[i] = new AbortController());
    parked[i] = (async (signal) => {
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    })(controller.signal);
  }
  const ms = now() - t0;
  if (shared) sharedController.abort();
  else for (const c of controllers) c.abort();
  await Promise.all(parked);
  return ms;
}

const sharedSignal = {
  async raw() {
    return { ownMs: await listeners(false), sharedMs: await listeners(true) };
  },
};

// ---------------------------------------------------------------------------------------
// 8. what AsyncLocalStorage costs, without giambio
// ---------------------------------------------------------------------------------------
// `raw`: AsyncLocalStorage is never used in the process. `als`: one `als.run` happens first
// (on Node 20 that installs the async_hooks promise hooks for the rest of the process; on
// Node 24 AsyncLocalStorage rides on V8's AsyncContextFrame instead), then the same code
// runs, plus 100k tasks each started in its own `als.run`, which is what giambio does per
// task (lib/core/task.ts, Task._resume).
const ALS_N = 100_000;
const ALS_LOOP_N = 1_000_000;

let alsStorage = null;
function enableAls() {
  if (alsStorage === null) {
    const { AsyncLocalStorage } = require("node:async_hooks");
    alsStorage = new AsyncLocalStorage();
    alsStorage.run({ enabled: true }, () => {});
  }
  return alsStorage;
}

async function alsCommon() {
  const promises = new Array(ALS_N);
  let t0 = now();
  for (let i = 0; i < ALS_N; i++) promises[i] = emptyAsync();
  await Promise.all(promises);
  const tasksMs = now() - t0;
  t0 = now();
  for (let i = 0; i < ALS_LOOP_N; i++) await undefined;
  const loopMs = now() - t0;
  return { tasksMs, loopMs };
}

const als = {
  async raw() {
    return alsCommon();
  },
  async als() {
    const storage = enableAls();
    const common = await alsCommon();
    const promises = new Array(ALS_N);
    const t0 = now();
    for (let i = 0; i < ALS_N; i++) promises[i] = storage.run({ i }, emptyAsync);
    await Promise.all(promises);
    const runTasksMs = now() - t0;
    return { ...common, runTasksMs };
  },
};

// ---------------------------------------------------------------------------------------
// 9. what spawn traces and instruments cost: 100k empty tasks
// ---------------------------------------------------------------------------------------
// `giambio`: plain `run`; `traced`: `runWith({ traceSpawns: true })` (a stack capture per
// spawn, lib/core/trace.ts); `instrumented`: one instrument with every hook, all no-ops.
const TRACE_N = 100_000;

function tracedSpawns(options) {
  const giambio = g();
  return giambio.runWith(options, async () => {
    const t0 = now();
    await giambio.withNursery(async (nursery) => {
      for (let i = 0; i < TRACE_N; i++) nursery.spawn(emptyAsync);
    });
    return { ms: now() - t0 };
  });
}

const noop = () => {};
const tracing = {
  giambio: () => tracedSpawns({}),
  traced: () => tracedSpawns({ traceSpawns: true }),
  instrumented: () =>
    tracedSpawns({
      instruments: [
        {
          beforeRun: noop,
          afterRun: noop,
          taskSpawned: noop,
          taskScheduled: noop,
          taskExited: noop,
          beforeBatch: noop,
          afterBatch: noop,
        },
      ],
    }),
};

const WORKLOADS = {
  spawnJoin,
  parkCancel,
  checkpoints,
  timers,
  failFast,
  yieldPolicy,
  signals,
  sharedSignal,
  als,
  tracing,
};

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
