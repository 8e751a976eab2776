/**
 * Lock contention, giambio against raw: 100 tasks each taking one lock 2,000 times, with a
 * yield while holding it (raw: a promise-chain mutex and `await undefined`; giambio: `Lock`
 * and `checkpoint()`).
 *
 * @module
 */
import { loadGiambio } from "../support/giambio.js";
import { PromiseMutex } from "../support/raw-primitives.js";
import { now } from "../support/timing.js";
import { defineWorkload } from "../workload.js";

interface Size {
  readonly tasks: number;
  readonly acquisitions: number;
}

function checkCount(variant: string, count: number, size: Size): void {
  const expected = size.tasks * size.acquisitions;
  if (count !== expected) throw new Error(`${variant} lock: ${count} of ${expected} acquisitions`);
}

export const lock = defineWorkload({
  id: "lock",
  title: "Lock contention: 100 tasks x 2,000 acquisitions (giambio vs raw)",
  quick: false,
  sizes: {
    full: { tasks: 100, acquisitions: 2_000 },
    smoke: { tasks: 10, acquisitions: 20 },
  },
  variants: {
    async raw(size: Size) {
      const mutex = new PromiseMutex();
      let count = 0;
      const t0 = now();
      await Promise.all(
        Array.from({ length: size.tasks }, async () => {
          for (let i = 0; i < size.acquisitions; i++) {
            const release = await mutex.acquire();
            count++;
            // eslint-disable-next-line @typescript-eslint/await-thenable -- one microtask hop
            await undefined;
            release();
          }
        }),
      );
      const ms = now() - t0;
      checkCount("raw", count, size);
      return { ms };
    },

    async giambio(size: Size) {
      const giambio = loadGiambio();
      return giambio.run(async () => {
        const lock = new giambio.Lock();
        let count = 0;
        const t0 = now();
        await giambio.withNursery(async (nursery) => {
          for (let t = 0; t < size.tasks; t++) {
            nursery.spawn(async () => {
              for (let i = 0; i < size.acquisitions; i++) {
                await lock.acquire();
                count++;
                await giambio.checkpoint();
                lock.release();
              }
            });
          }
        });
        const ms = now() - t0;
        checkCount("giambio", count, size);
        return { ms };
      });
    },
  },
  rows: [
    {
      label: "100 tasks x 2,000 Lock acquisitions",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      giambio: "giambio",
    },
  ],
});
