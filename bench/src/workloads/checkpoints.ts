/**
 * W3: 1,000,000 checkpoints in one task: each library's cheapest way to let other ready
 * tasks run.
 *
 * - raw: `await undefined` (one microtask hop);
 * - giambio: `checkpoint()`, and the same under `runWith({ turnBudget: Infinity })`, where
 *   the runner never yields to the event loop on its own;
 * - Effect: `Effect.yieldNow`, which in Effect 4 goes back through the scheduler, a
 *   `setImmediate` turn;
 * - Effection has no yield operation. `sleep(0)` is a `setTimeout` (at least 1 ms each, so
 *   1,000,000 of them would take over 16 minutes); its cheapest yield is an `action` that
 *   resolves at once, which puts the task back in Effection's run queue behind every other
 *   ready task, without leaving the current turn.
 *
 * @module
 */
import { loadGiambio, type RunOptions } from "../support/giambio.js";
import { now } from "../support/timing.js";
import { defineWorkload, ratioAtMost } from "../workload.js";

interface Size {
  readonly checkpoints: number;
}

/** `turnBudget`: how long the runner may keep the event loop waiting; here, for ever. */
const neverYield: RunOptions = { turnBudget: Infinity };

async function giambioCheckpoints(options: RunOptions, size: Size): Promise<{ ms: number }> {
  const giambio = loadGiambio();
  return giambio.runWith(options, async () => {
    const t0 = now();
    for (let i = 0; i < size.checkpoints; i++) await giambio.checkpoint();
    return { ms: now() - t0 };
  });
}

export const checkpoints = defineWorkload({
  id: "W3",
  title: "1,000,000 checkpoints in one task",
  quick: true,
  sizes: { full: { checkpoints: 1_000_000 }, smoke: { checkpoints: 1_000 } },
  variants: {
    async raw(size: Size) {
      const t0 = now();
      // eslint-disable-next-line @typescript-eslint/await-thenable -- one microtask hop
      for (let i = 0; i < size.checkpoints; i++) await undefined;
      return { ms: now() - t0 };
    },

    giambio: (size: Size) => giambioCheckpoints({}, size),
    giambioNoYield: (size: Size) => giambioCheckpoints(neverYield, size),

    async effect(size: Size) {
      const { Effect } = await import("effect");
      return Effect.runPromise(
        Effect.gen(function* () {
          const t0 = now();
          for (let i = 0; i < size.checkpoints; i++) yield* Effect.yieldNow;
          return { ms: now() - t0 };
        }),
      );
    },

    async effection(size: Size) {
      const { action, run } = await import("effection");
      const reschedule = action<void>((resolve) => {
        resolve();
        return () => {};
      });
      return run(function* () {
        const t0 = now();
        for (let i = 0; i < size.checkpoints; i++) yield* reschedule;
        return { ms: now() - t0 };
      });
    },
  },
  rows: [
    {
      label: "1M checkpoints in one task",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      giambio: "giambio",
      effect: "effect",
      effection: "effection",
      target: { "20": ratioAtMost(2), "24": ratioAtMost(1.2) },
    },
    {
      label: "1M checkpoints, turnBudget: Infinity",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      giambio: "giambioNoYield",
    },
  ],
});
