/**
 * Worker threads: giambio's `runInWorker` beside piscina, with the same number of threads
 * (one per core, `os.availableParallelism()`).
 *
 * - 10,000 tiny calls (`add(a, b)`), all asked for at once: calls per second (target: at
 *   least piscina's); and the same calls through `map` with a concurrency of two per
 *   thread, giambio's usual way to queue many calls (no target: shown beside it).
 * - 64 CPU tasks of 20 ms on N workers: wall time against the ideal 64 × 20 ms ÷ N
 *   (target ≤ 1.2×).
 * - Cancel latency: a worker spinning forever without checking, under `"terminate"` with
 *   the default grace of 0.1 s: from the scope's cancel to the caller resuming (target ≤
 *   grace + 20 ms = 120 ms).
 *
 * @module
 */
import * as os from "node:os";
import { loadGiambio } from "../support/giambio.js";
import { now } from "../support/timing.js";
import { atMost, defineWorkload, ratioAtLeast } from "../workload.js";

const MODULE = new URL("../support/bench-worker.js", import.meta.url);

interface Size {
  readonly calls: number;
  readonly cpuTasks: number;
  readonly cpuMs: number;
}

const threads = os.availableParallelism();

export const workers = defineWorkload({
  id: "workers",
  title: "runInWorker beside piscina: tiny calls, CPU tasks, cancel latency",
  quick: true,
  maxWarmups: 1,
  sizes: {
    full: { calls: 10_000, cpuTasks: 64, cpuMs: 20 },
    smoke: { calls: 100, cpuTasks: 4, cpuMs: 5 },
  },
  variants: {
    async piscina(size: Size) {
      const { Piscina } = await import("piscina");
      const pool = new Piscina({
        filename: MODULE.href,
        minThreads: threads,
        maxThreads: threads,
      });
      try {
        // Warm the threads up, as giambio's pool is warmed below.
        await Promise.all(
          Array.from({ length: threads }, () => pool.run({ a: 0, b: 0 }, { name: "addTask" })),
        );
        let t0 = now();
        const calls = new Array<Promise<number>>(size.calls);
        for (let i = 0; i < size.calls; i++) {
          calls[i] = pool.run({ a: i, b: 1 }, { name: "addTask" }) as Promise<number>;
        }
        await Promise.all(calls);
        const tinyMs = now() - t0;
        t0 = now();
        await Promise.all(
          Array.from({ length: size.cpuTasks }, () => pool.run(size.cpuMs, { name: "spin" })),
        );
        const cpuMs = now() - t0;
        return {
          callsPerSecond: (size.calls / tinyMs) * 1000,
          cpuRatio: cpuMs / ((size.cpuTasks * size.cpuMs) / threads),
        };
      } finally {
        await pool.destroy();
      }
    },

    async giambioWorker(size: Size) {
      const giambio = loadGiambio();
      return giambio.run(async () => {
        type M = typeof import("../support/bench-worker.js");
        await giambio.map(Array.from({ length: threads }), () =>
          giambio.runInWorker<M>(MODULE, "add", [0, 0]),
        );
        let t0 = now();
        await giambio.map(
          Array.from({ length: size.calls }, (_, i) => i),
          (i) => giambio.runInWorker<M>(MODULE, "add", [i, 1]),
        );
        const tinyMs = now() - t0;
        // The same calls through map's own bound: at most two calls per thread in flight,
        // so 4 tasks live at a time rather than 10,000 parked on the limiter.
        t0 = now();
        await giambio.map(
          Array.from({ length: size.calls }, (_, i) => i),
          (i) => giambio.runInWorker<M>(MODULE, "add", [i, 1]),
          { concurrency: 2 * threads },
        );
        const boundedMs = now() - t0;
        t0 = now();
        await giambio.map(Array.from({ length: size.cpuTasks }), () =>
          giambio.runInWorker<M>(MODULE, "spin", [size.cpuMs]),
        );
        const cpuMs = now() - t0;
        // Cancel latency: a call that never checks, terminated after the grace period.
        let cancelledAt = 0;
        await giambio.withCancelScope(async (scope) => {
          giambio.spawn(async () => {
            await giambio.sleep(0.05); // let the call start spinning
            cancelledAt = now();
            scope.cancel();
          });
          await giambio.runInWorker<M>(MODULE, "spinForever", []);
        });
        const cancelMs = now() - cancelledAt;
        return {
          callsPerSecond: (size.calls / tinyMs) * 1000,
          boundedCallsPerSecond: (size.calls / boundedMs) * 1000,
          cpuRatio: cpuMs / ((size.cpuTasks * size.cpuMs) / threads),
          cancelMs,
        };
      });
    },
  },
  rows: [
    {
      label: "10,000 tiny calls, all at once (calls/s)",
      unit: "/s",
      metric: "callsPerSecond",
      baseline: "piscina",
      baselineName: "piscina",
      giambio: "giambioWorker",
      target: ratioAtLeast(1),
    },
    {
      label: "10,000 tiny calls through map({ concurrency: 2 × N }) (calls/s)",
      unit: "/s",
      metric: "callsPerSecond",
      baseline: "piscina",
      baselineName: "piscina",
      giambio: ["giambioWorker", "boundedCallsPerSecond"],
    },
    {
      label: "64 CPU tasks of 20 ms: wall time ÷ the ideal 64 × 20 ms ÷ N",
      unit: "",
      metric: "cpuRatio",
      baseline: "piscina",
      baselineName: "piscina",
      giambio: "giambioWorker",
      target: atMost(1.2, ""),
    },
    {
      label: "cancel a spinning worker (terminate, grace 0.1 s): to the caller resuming",
      unit: "ms",
      metric: "cancelMs",
      giambio: "giambioWorker",
      target: atMost(120, "ms"),
    },
  ],
});
