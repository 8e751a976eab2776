/**
 * W2: 10,000 tasks parked in an hour-long sleep, then all cancelled at once: the time until
 * every one has ended, and the heap each parked task holds (after a forced GC).
 *
 * The baseline is the least any cancellation can cost, the callback-set floor: each parked
 * promise leaves a cancel callback in a `Set`; cancelling calls each, which clears the
 * timer and rejects the promise, and then awaits them all.
 *
 * @module
 */
import type { Fiber } from "effect";
import { loadGiambio } from "../support/giambio.js";
import { heapAfterGc, nextTurn, now } from "../support/timing.js";
import { atMost, defineWorkload, ratioAtMost } from "../workload.js";

interface Size {
  readonly tasks: number;
}

const HOUR_MS = 3_600_000;

export const cancelParked = defineWorkload({
  id: "W2",
  title: "cancel 10,000 parked tasks; heap per parked task",
  quick: true,
  sizes: { full: { tasks: 10_000 }, smoke: { tasks: 100 } },
  variants: {
    async raw(size: Size) {
      const before = heapAfterGc();
      const cancels = new Set<() => void>();
      const reason = new Error("cancelled");
      let ended = 0;
      const parked = new Array<Promise<void>>(size.tasks);
      for (let i = 0; i < size.tasks; i++) {
        parked[i] = (async () => {
          try {
            await new Promise<void>((resolve, reject) => {
              const timer = setTimeout(resolve, HOUR_MS);
              cancels.add(() => {
                clearTimeout(timer);
                reject(reason);
              });
            });
          } catch (err) {
            if (err !== reason) throw err;
          } finally {
            ended++;
          }
        })();
      }
      await nextTurn();
      const bytesPerTask = (heapAfterGc() - before) / size.tasks;
      const t0 = now();
      for (const cancel of cancels) cancel();
      cancels.clear();
      await Promise.all(parked);
      const cancelMs = now() - t0;
      if (ended !== size.tasks) throw new Error(`raw: ${ended} of ${size.tasks} ended`);
      return { bytesPerTask, cancelMs };
    },

    async giambio(size: Size) {
      const giambio = loadGiambio();
      return giambio.run(async () => {
        let bytesPerTask = 0;
        let t0 = 0;
        let parked = 0;
        async function sleeper(): Promise<void> {
          parked++;
          await giambio.sleep(HOUR_MS / 1000);
        }
        const before = heapAfterGc();
        await giambio.withNursery(async (nursery) => {
          for (let i = 0; i < size.tasks; i++) nursery.spawn(sleeper);
          while (parked < size.tasks) await giambio.sleep(0.001);
          bytesPerTask = (heapAfterGc() - before) / size.tasks;
          t0 = now();
          nursery.cancel();
        });
        return { bytesPerTask, cancelMs: now() - t0 };
      });
    },

    async effect(size: Size) {
      const { Effect, Fiber } = await import("effect");
      let parked = 0;
      const sleeper = Effect.suspend(() => {
        parked++;
        return Effect.sleep(HOUR_MS);
      });
      return Effect.runPromise(
        Effect.gen(function* () {
          const before = heapAfterGc();
          const fibers = new Array<Fiber.Fiber<void>>(size.tasks);
          for (let i = 0; i < size.tasks; i++) fibers[i] = yield* Effect.forkChild(sleeper);
          while (parked < size.tasks) yield* Effect.sleep(1);
          const bytesPerTask = (heapAfterGc() - before) / size.tasks;
          const t0 = now();
          // Returns once every fiber has finished interrupting.
          yield* Fiber.interruptAll(fibers);
          return { bytesPerTask, cancelMs: now() - t0 };
        }),
      );
    },

    async effection(size: Size) {
      const { run, sleep, spawn, suspend } = await import("effection");
      let parked = 0;
      return run(function* () {
        const before = heapAfterGc();
        // Halting a task halts its children: the group is the nursery.
        const group = yield* spawn(function* () {
          for (let i = 0; i < size.tasks; i++) {
            yield* spawn(function* () {
              parked++;
              yield* sleep(HOUR_MS);
            });
          }
          yield* suspend();
        });
        while (parked < size.tasks) yield* sleep(1);
        const bytesPerTask = (heapAfterGc() - before) / size.tasks;
        const t0 = now();
        // Returns once the group and all its children have halted.
        yield* group.halt();
        return { bytesPerTask, cancelMs: now() - t0 };
      });
    },
  },
  rows: [
    {
      label: "cancel 10k tasks parked in sleep(1 h)",
      unit: "ms",
      metric: "cancelMs",
      baseline: "raw",
      baselineName: "floor",
      giambio: "giambio",
      effect: "effect",
      effection: "effection",
      target: ratioAtMost(1.5),
    },
    {
      label: "heap per parked task, after GC",
      unit: "B",
      metric: "bytesPerTask",
      baseline: "raw",
      baselineName: "floor",
      giambio: "giambio",
      effect: "effect",
      effection: "effection",
      target: atMost(1024, "B"),
    },
  ],
});
