/**
 * W4: 100,000 tasks each sleeping 0–10 ms, until all have woken. Every variant sleeps the
 * same sequence of whole milliseconds (raw: one `setTimeout` each; Node keeps one timer
 * list per distinct duration, so whole milliseconds are what careful code passes).
 *
 * @module
 */
import type { Fiber } from "effect";
import type { Task } from "effection";
import { sleepDurationsMs } from "../support/durations.js";
import { loadGiambio } from "../support/giambio.js";
import { now } from "../support/timing.js";
import { defineWorkload, ratioAtMost } from "../workload.js";

interface Size {
  readonly sleepers: number;
}

const MAX_MS = 10;

export const sleepers = defineWorkload({
  id: "W4",
  title: "100,000 sleepers, 0-10 ms each",
  quick: true,
  sizes: { full: { sleepers: 100_000 }, smoke: { sleepers: 200 } },
  variants: {
    async raw(size: Size) {
      const durations = sleepDurationsMs(size.sleepers, MAX_MS);
      const t0 = now();
      const woken = new Array<Promise<void>>(size.sleepers);
      for (let i = 0; i < size.sleepers; i++) {
        const ms = durations[i];
        woken[i] = new Promise((resolve) => setTimeout(resolve, ms));
      }
      await Promise.all(woken);
      return { ms: now() - t0 };
    },

    async giambio(size: Size) {
      const giambio = loadGiambio();
      const durations = sleepDurationsMs(size.sleepers, MAX_MS);
      return giambio.run(async () => {
        const t0 = now();
        await giambio.withNursery(async (nursery) => {
          for (let i = 0; i < size.sleepers; i++) {
            nursery.spawn(giambio.sleep, (durations[i] ?? 0) / 1000);
          }
        });
        return { ms: now() - t0 };
      });
    },

    async effect(size: Size) {
      const { Effect, Fiber } = await import("effect");
      const durations = sleepDurationsMs(size.sleepers, MAX_MS);
      return Effect.runPromise(
        Effect.gen(function* () {
          const t0 = now();
          const fibers = new Array<Fiber.Fiber<void>>(size.sleepers);
          for (let i = 0; i < size.sleepers; i++) {
            fibers[i] = yield* Effect.forkChild(Effect.sleep(durations[i] ?? 0));
          }
          yield* Fiber.joinAll(fibers);
          return { ms: now() - t0 };
        }),
      );
    },

    async effection(size: Size) {
      const { run, sleep, spawn } = await import("effection");
      const durations = sleepDurationsMs(size.sleepers, MAX_MS);
      return run(function* () {
        const t0 = now();
        const tasks = new Array<Task<void>>(size.sleepers);
        for (let i = 0; i < size.sleepers; i++) {
          const ms = durations[i] ?? 0;
          tasks[i] = yield* spawn(() => sleep(ms));
        }
        for (const task of tasks) yield* task;
        return { ms: now() - t0 };
      });
    },
  },
  rows: [
    {
      label: "100k sleepers of 0-10 ms, until all woke",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      giambio: "giambio",
      effect: "effect",
      effection: "effection",
      target: ratioAtMost(0.8),
    },
  ],
});
