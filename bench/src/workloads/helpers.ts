/**
 * The structured helpers against what users reach for today:
 *
 * - `all`: `all()` of 100,000 empty async functions, against `Promise.all` of the same
 *   calls, and against spawning and joining the same tasks in a nursery (the target: `all`
 *   adds nothing of its own, ≤ 1.2×).
 * - `map`: `map()` of 100,000 items at concurrency 16 with an async function that yields
 *   once, against `p-map` (the target: no slower, ≤ 1×) and a hand-written pool of 16
 *   promise workers (the floor).
 *
 * @module
 */
import { loadGiambio } from "../support/giambio.js";
import { now } from "../support/timing.js";
import { defineWorkload, ratioAtMost } from "../workload.js";

interface AllSize {
  readonly calls: number;
}

async function emptyAsync(): Promise<void> {}

export const allWorkload = defineWorkload({
  id: "all",
  title: "all() of 100,000 empty async functions",
  quick: true,
  sizes: { full: { calls: 100_000 }, smoke: { calls: 100 } },
  variants: {
    async raw(size: AllSize) {
      const fns = Array.from({ length: size.calls }, () => emptyAsync);
      const t0 = now();
      await Promise.all(fns.map((fn) => fn()));
      return { ms: now() - t0 };
    },

    async giambioAll(size: AllSize) {
      const giambio = loadGiambio();
      const fns = Array.from({ length: size.calls }, () => emptyAsync);
      return giambio.run(async () => {
        const t0 = now();
        await giambio.all(fns);
        return { ms: now() - t0 };
      });
    },

    async giambioNursery(size: AllSize) {
      const giambio = loadGiambio();
      const fns = Array.from({ length: size.calls }, () => emptyAsync);
      return giambio.run(async () => {
        const t0 = now();
        // What `all` does by hand: spawn each in a nursery, keep the tasks, read results.
        const tasks = new Array<ReturnType<typeof giambio.spawn>>(fns.length);
        await giambio.withNursery(async (nursery) => {
          for (let i = 0; i < fns.length; i++) tasks[i] = nursery.spawn(fns[i]!);
        });
        const results = tasks.map((t) => t.result);
        if (results.length !== fns.length) throw new Error("lost a result");
        return { ms: now() - t0 };
      });
    },

    async effect(size: AllSize) {
      const { Effect } = await import("effect");
      const effects = Array.from({ length: size.calls }, () => Effect.promise(emptyAsync));
      const t0 = now();
      await Effect.runPromise(Effect.all(effects, { concurrency: "unbounded" }));
      return { ms: now() - t0 };
    },

    async effection(size: AllSize) {
      const { all, call, run } = await import("effection");
      return run(function* () {
        const t0 = now();
        yield* all(Array.from({ length: size.calls }, () => call(emptyAsync)));
        return { ms: now() - t0 };
      });
    },
  },
  rows: [
    {
      label: "all() of 100k empty async functions",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      baselineName: "Promise.all",
      giambio: "giambioAll",
      effect: "effect",
      effection: "effection",
    },
    {
      label: "all() against spawn + join in a nursery",
      unit: "ms",
      metric: "ms",
      baseline: "giambioNursery",
      baselineName: "nursery",
      giambio: "giambioAll",
      target: ratioAtMost(1.2),
    },
  ],
});

interface MapSize {
  readonly items: number;
  readonly concurrency: number;
}

const RESOLVED = Promise.resolve();

/** The mapped function: yields once, as an I/O call that is already done would. */
async function double(x: number): Promise<number> {
  await RESOLVED;
  return x * 2;
}

function check(results: readonly number[], size: MapSize): void {
  if (results.length !== size.items || results[size.items - 1] !== (size.items - 1) * 2) {
    throw new Error("map produced the wrong results");
  }
}

export const mapWorkload = defineWorkload({
  id: "map",
  title: "map() of 100,000 items at concurrency 16",
  quick: true,
  sizes: {
    full: { items: 100_000, concurrency: 16 },
    smoke: { items: 100, concurrency: 4 },
  },
  variants: {
    async raw(size: MapSize) {
      // The hand-written pool: `concurrency` promise workers pulling from one iterator.
      const items = Array.from({ length: size.items }, (_, i) => i);
      const t0 = now();
      const results = new Array<number>(items.length);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < items.length) {
          const i = next++;
          results[i] = await double(items[i]!);
        }
      };
      await Promise.all(Array.from({ length: size.concurrency }, worker));
      const ms = now() - t0;
      check(results, size);
      return { ms };
    },

    async pMap(size: MapSize) {
      const { default: pMap } = await import("p-map");
      const items = Array.from({ length: size.items }, (_, i) => i);
      const t0 = now();
      const results = await pMap(items, double, { concurrency: size.concurrency });
      const ms = now() - t0;
      check(results, size);
      return { ms };
    },

    async giambioMap(size: MapSize) {
      const giambio = loadGiambio();
      const items = Array.from({ length: size.items }, (_, i) => i);
      return giambio.run(async () => {
        const t0 = now();
        const results = await giambio.map(items, double, { concurrency: size.concurrency });
        const ms = now() - t0;
        check(results, size);
        return { ms };
      });
    },

    async effect(size: MapSize) {
      const { Effect } = await import("effect");
      const items = Array.from({ length: size.items }, (_, i) => i);
      const t0 = now();
      const results = await Effect.runPromise(
        Effect.forEach(items, (x) => Effect.promise(() => double(x)), {
          concurrency: size.concurrency,
        }),
      );
      const ms = now() - t0;
      check(results, size);
      return { ms };
    },
  },
  rows: [
    {
      label: "map() of 100k items, concurrency 16, against p-map",
      unit: "ms",
      metric: "ms",
      baseline: "pMap",
      baselineName: "p-map",
      giambio: "giambioMap",
      effect: "effect",
      target: ratioAtMost(1),
    },
    {
      label: "map() against a hand-written pool of 16",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      baselineName: "pool",
      giambio: "giambioMap",
    },
  ],
});
