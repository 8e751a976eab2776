/**
 * W7: 1,000 children, 999 parked for good and one that throws once they are all parked:
 * the time from the throw until every sibling is cancelled and the error has reached the
 * parent.
 *
 * - raw, the callback-set floor: `Promise.all` rejects with the error, then the parent
 *   calls the 999 cancel callbacks and awaits them all;
 * - giambio: a nursery;
 * - Effect: `Effect.all` with unbounded concurrency (fails on the first error, after
 *   interrupting the others);
 * - Effection: a `scoped` block, whose child's error halts its siblings and is thrown out of
 *   it.
 *
 * @module
 */
import { loadGiambio } from "../support/giambio.js";
import { now, pause } from "../support/timing.js";
import { defineWorkload, ratioAtMost } from "../workload.js";

interface Size {
  readonly children: number;
}

class Boom extends Error {}

/** The measured interval, checked: the error that arrived must be ours. */
function measured(variant: string, err: unknown, boom: Boom, t0: number): { ms: number } {
  if (err !== boom) throw err;
  if (t0 === 0) throw new Error(`${variant} fail-fast: the failing child never threw`);
  return { ms: now() - t0 };
}

export const failFast = defineWorkload({
  id: "W7",
  title: "1,000 children, one fails",
  quick: true,
  sizes: { full: { children: 1_000 }, smoke: { children: 20 } },
  variants: {
    async raw(size: Size) {
      const parkedCount = size.children - 1;
      const cancels = new Set<() => void>();
      const reason = new Error("cancelled");
      const boom = new Boom("boom");
      let parked = 0;
      let t0 = 0;
      const children = new Array<Promise<void>>(size.children);
      for (let i = 0; i < parkedCount; i++) {
        children[i] = (async () => {
          parked++;
          await new Promise<void>((_resolve, reject) => cancels.add(() => reject(reason)));
        })();
      }
      children[parkedCount] = (async () => {
        while (parked < parkedCount) await pause(1);
        await pause(2);
        t0 = now();
        throw boom;
      })();
      try {
        await Promise.all(children);
      } catch (err) {
        for (const cancel of cancels) cancel();
        cancels.clear();
        await Promise.allSettled(children);
        return measured("raw", err, boom, t0);
      }
      throw new Error("raw fail-fast: Promise.all resolved");
    },

    async giambio(size: Size) {
      const giambio = loadGiambio();
      const parkedCount = size.children - 1;
      const boom = new Boom("boom");
      let parked = 0;
      let t0 = 0;
      return giambio.run(async () => {
        try {
          await giambio.withNursery(async (nursery) => {
            for (let i = 0; i < parkedCount; i++) {
              nursery.spawn(async () => {
                parked++;
                await giambio.sleepForever();
              });
            }
            nursery.spawn(async () => {
              while (parked < parkedCount) await giambio.sleep(0.001);
              await giambio.sleep(0.002);
              t0 = now();
              throw boom;
            });
          });
        } catch (err) {
          return measured("giambio", err, boom, t0);
        }
        throw new Error("giambio fail-fast: withNursery returned");
      });
    },

    async effect(size: Size) {
      const { Effect } = await import("effect");
      const parkedCount = size.children - 1;
      const boom = new Boom("boom");
      let parked = 0;
      let t0 = 0;
      const parkedChild = Effect.suspend(() => {
        parked++;
        return Effect.never;
      });
      const failing = Effect.gen(function* () {
        while (parked < parkedCount) yield* Effect.sleep(1);
        yield* Effect.sleep(2);
        t0 = now();
        return yield* Effect.fail(boom);
      });
      const children = [...Array.from({ length: parkedCount }, () => parkedChild), failing];
      const err = await Effect.runPromise(
        Effect.flip(Effect.all(children, { concurrency: "unbounded", discard: true })),
      );
      return measured("effect", err, boom, t0);
    },

    async effection(size: Size) {
      const { run, scoped, sleep, spawn, suspend } = await import("effection");
      const parkedCount = size.children - 1;
      const boom = new Boom("boom");
      let parked = 0;
      let t0 = 0;
      return run(function* () {
        try {
          yield* scoped(function* () {
            for (let i = 0; i < parkedCount; i++) {
              yield* spawn(function* () {
                parked++;
                yield* suspend();
              });
            }
            yield* spawn(function* () {
              while (parked < parkedCount) yield* sleep(1);
              yield* sleep(2);
              t0 = now();
              throw boom;
            });
            yield* suspend();
          });
        } catch (err) {
          return measured("effection", err, boom, t0);
        }
        throw new Error("effection fail-fast: scoped returned");
      });
    },
  },
  rows: [
    {
      label: "1,000 children, one fails: throw -> parent",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      baselineName: "floor",
      giambio: "giambio",
      effect: "effect",
      effection: "effection",
      target: ratioAtMost(2),
    },
  ],
});
