/**
 * W1: 100,000 empty tasks spawned in a nursery (a scope) and all joined. Also what
 * giambio's `recordSites`, `traceSpawns` and a no-op instrument add to the same work, and
 * `spawn()` + `task.join()` one by one instead of a nursery.
 *
 * @module
 */
import type { Fiber } from "effect";
import type { Task } from "effection";
import { loadGiambio, type Instrument, type RunOptions } from "../support/giambio.js";
import { now } from "../support/timing.js";
import { defineWorkload, ratioAtMost } from "../workload.js";

interface Size {
  readonly tasks: number;
}

async function emptyAsync(): Promise<void> {}

/** giambio's nursery version, under `runWith(options)`. */
async function giambioNursery(options: RunOptions, size: Size): Promise<{ ms: number }> {
  const giambio = loadGiambio();
  return giambio.runWith(options, async () => {
    const t0 = now();
    await giambio.withNursery(async (nursery) => {
      for (let i = 0; i < size.tasks; i++) nursery.spawn(emptyAsync);
    });
    return { ms: now() - t0 };
  });
}

const noop = (): void => {};
const noopInstrument: Instrument = {
  beforeRun: noop,
  afterRun: noop,
  taskSpawned: noop,
  taskScheduled: noop,
  taskExited: noop,
  beforeBatch: noop,
  afterBatch: noop,
};

export const spawnJoin = defineWorkload({
  id: "W1",
  title: "spawn + join 100,000 empty tasks",
  quick: true,
  sizes: { full: { tasks: 100_000 }, smoke: { tasks: 100 } },
  variants: {
    async raw(size: Size) {
      const t0 = now();
      const promises = new Array<Promise<void>>(size.tasks);
      for (let i = 0; i < size.tasks; i++) promises[i] = emptyAsync();
      await Promise.all(promises);
      return { ms: now() - t0 };
    },

    async giambio(size: Size) {
      const { ms } = await giambioNursery({}, size);
      // spawn() into the task's own nursery, then join() each task in turn.
      const giambio = loadGiambio();
      const spawnJoinMs = await giambio.run(async () => {
        const t0 = now();
        const tasks = new Array<ReturnType<typeof giambio.spawn>>(size.tasks);
        for (let i = 0; i < size.tasks; i++) tasks[i] = giambio.spawn(emptyAsync);
        for (const task of tasks) await task.join();
        return now() - t0;
      });
      return { ms, spawnJoinMs };
    },
    giambioRecordSites: (size: Size) => giambioNursery({ recordSites: true }, size),
    giambioTraceSpawns: (size: Size) => giambioNursery({ traceSpawns: true }, size),
    giambioInstrumented: (size: Size) => giambioNursery({ instruments: [noopInstrument] }, size),

    async effect(size: Size) {
      const { Effect, Fiber } = await import("effect");
      // forkChild attaches each fiber to the parent's scope; joinAll waits for them all.
      return Effect.runPromise(
        Effect.gen(function* () {
          const t0 = now();
          const fibers = new Array<Fiber.Fiber<void>>(size.tasks);
          for (let i = 0; i < size.tasks; i++) fibers[i] = yield* Effect.forkChild(Effect.void);
          yield* Fiber.joinAll(fibers);
          return { ms: now() - t0 };
        }),
      );
    },

    async effection(size: Size) {
      const { run, spawn } = await import("effection");
      // A spawned task that is not joined is halted when its parent returns: join each.
      return run(function* () {
        const t0 = now();
        const tasks = new Array<Task<void>>(size.tasks);
        for (let i = 0; i < size.tasks; i++) tasks[i] = yield* spawn(function* () {});
        for (const task of tasks) yield* task;
        return { ms: now() - t0 };
      });
    },
  },
  rows: [
    {
      label: "spawn + join 100k empty tasks",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      giambio: "giambio",
      effect: "effect",
      effection: "effection",
      target: ratioAtMost(3),
    },
    {
      label: "spawn + join, runWith({ recordSites: true })",
      unit: "ms",
      metric: "ms",
      baseline: "giambio",
      giambio: "giambioRecordSites",
    },
    {
      label: "spawn + join, runWith({ traceSpawns: true })",
      unit: "ms",
      metric: "ms",
      baseline: "giambio",
      giambio: "giambioTraceSpawns",
    },
    {
      label: "spawn + join, one no-op instrument",
      unit: "ms",
      metric: "ms",
      baseline: "giambio",
      giambio: "giambioInstrumented",
    },
    {
      label: "spawn() + task.join() one by one, 100k",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      giambio: ["giambio", "spawnJoinMs"],
    },
  ],
});
