/**
 * No giambio: what AsyncLocalStorage costs plain promise code. `raw` never uses it; `als`
 * runs one `als.run` first (on Node 20 that installs the async_hooks promise hooks for the
 * rest of the process; Node 24 rides on V8's AsyncContextFrame instead), then the same
 * code, plus 100,000 async calls each in its own `als.run`, which is what giambio does per
 * task.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { now } from "../support/timing.js";
import { defineWorkload } from "../workload.js";

interface Size {
  readonly calls: number;
  readonly awaits: number;
}

async function emptyAsync(): Promise<void> {}

async function plainCode(size: Size): Promise<{ callsMs: number; awaitsMs: number }> {
  const promises = new Array<Promise<void>>(size.calls);
  let t0 = now();
  for (let i = 0; i < size.calls; i++) promises[i] = emptyAsync();
  await Promise.all(promises);
  const callsMs = now() - t0;
  t0 = now();
  // eslint-disable-next-line @typescript-eslint/await-thenable -- one microtask hop
  for (let i = 0; i < size.awaits; i++) await undefined;
  return { callsMs, awaitsMs: now() - t0 };
}

export const als = defineWorkload({
  id: "als",
  title: "no giambio: what AsyncLocalStorage costs plain promise code",
  quick: false,
  sizes: {
    full: { calls: 100_000, awaits: 1_000_000 },
    smoke: { calls: 100, awaits: 1_000 },
  },
  variants: {
    raw: (size: Size) => plainCode(size),
    async als(size: Size) {
      const storage = new AsyncLocalStorage<number>();
      storage.run(0, () => {});
      const plain = await plainCode(size);
      const promises = new Array<Promise<void>>(size.calls);
      const t0 = now();
      for (let i = 0; i < size.calls; i++) promises[i] = storage.run(i, emptyAsync);
      await Promise.all(promises);
      return { ...plain, runCallsMs: now() - t0 };
    },
  },
  rows: [
    {
      label: "no giambio: 100k async calls, ALS enabled",
      unit: "ms",
      metric: "callsMs",
      baseline: "raw",
      baselineName: "no ALS",
      giambio: "als",
    },
    {
      label: "no giambio: 100k async calls in als.run each",
      unit: "ms",
      metric: "callsMs",
      baseline: "raw",
      baselineName: "no ALS",
      giambio: ["als", "runCallsMs"],
    },
    {
      label: "no giambio: 1M await undefined, ALS enabled",
      unit: "ms",
      metric: "awaitsMs",
      baseline: "raw",
      baselineName: "no ALS",
      giambio: "als",
    },
  ],
});
