/**
 * AbortSignals, giambio against raw: tasks that never ask for a signal against tasks that
 * read `currentSignal()` (raw: a new AbortController each), and 10,000 parked tasks
 * listening on their signal, then cancelled. Scopes make their AbortController lazily, so
 * a task that never reads one should cost nothing extra.
 *
 * @module
 */
import { loadGiambio } from "../support/giambio.js";
import { heapAfterGc, nextTurn, now } from "../support/timing.js";
import { defineWorkload } from "../workload.js";

interface Size {
  readonly tasks: number;
  readonly parked: number;
}

async function emptyAsync(): Promise<void> {}

async function readsOwnSignal(signal: AbortSignal): Promise<void> {
  void signal.aborted;
}

/** The figures both variants return, from their raw timings. */
function signalMetrics(plainMs: number, signalMs: number, size: Size) {
  return { plainMs, signalMs, extraUsPerTask: ((signalMs - plainMs) / size.tasks) * 1000 };
}

export const signals = defineWorkload({
  id: "signals",
  title: "AbortSignals: tasks that never ask for one vs tasks that read currentSignal()",
  quick: false,
  sizes: { full: { tasks: 100_000, parked: 10_000 }, smoke: { tasks: 100, parked: 50 } },
  variants: {
    async raw(size: Size) {
      const promises = new Array<Promise<void>>(size.tasks);
      let t0 = now();
      for (let i = 0; i < size.tasks; i++) promises[i] = emptyAsync();
      await Promise.all(promises);
      const plainMs = now() - t0;
      t0 = now();
      for (let i = 0; i < size.tasks; i++)
        promises[i] = readsOwnSignal(new AbortController().signal);
      await Promise.all(promises);
      const signalMs = now() - t0;

      const before = heapAfterGc();
      const controllers = new Array<AbortController>(size.parked);
      const parked = new Array<Promise<void>>(size.parked);
      for (let i = 0; i < size.parked; i++) {
        const controller = (controllers[i] = new AbortController());
        parked[i] = new Promise<void>((_resolve, reject) => {
          controller.signal.addEventListener("abort", () => reject(controller.signal.reason), {
            once: true,
          });
        }).catch(() => {});
      }
      await nextTurn();
      const parkedBytesPerTask = (heapAfterGc() - before) / size.parked;
      t0 = now();
      for (const controller of controllers) controller.abort();
      await Promise.all(parked);
      const parkedCancelMs = now() - t0;
      return { ...signalMetrics(plainMs, signalMs, size), parkedBytesPerTask, parkedCancelMs };
    },

    async giambio(size: Size) {
      const giambio = loadGiambio();
      async function readsSignal(): Promise<void> {
        void giambio.currentSignal().aborted;
      }
      return giambio.run(async () => {
        let t0 = now();
        await giambio.withNursery(async (nursery) => {
          for (let i = 0; i < size.tasks; i++) nursery.spawn(emptyAsync);
        });
        const plainMs = now() - t0;
        t0 = now();
        await giambio.withNursery(async (nursery) => {
          for (let i = 0; i < size.tasks; i++) nursery.spawn(readsSignal);
        });
        const signalMs = now() - t0;

        let parked = 0;
        let parkedBytesPerTask = 0;
        async function listener(): Promise<void> {
          giambio.currentSignal().addEventListener("abort", () => {}, { once: true });
          parked++;
          await giambio.sleepForever();
        }
        const before = heapAfterGc();
        await giambio.withNursery(async (nursery) => {
          for (let i = 0; i < size.parked; i++) nursery.spawn(listener);
          while (parked < size.parked) await giambio.sleep(0.001);
          parkedBytesPerTask = (heapAfterGc() - before) / size.parked;
          t0 = now();
          nursery.cancel();
        });
        const parkedCancelMs = now() - t0;
        return { ...signalMetrics(plainMs, signalMs, size), parkedBytesPerTask, parkedCancelMs };
      });
    },
  },
  rows: [
    {
      label: "100k tasks, no signal",
      unit: "ms",
      metric: "plainMs",
      baseline: "raw",
      giambio: "giambio",
    },
    {
      label: "100k tasks reading currentSignal()",
      unit: "ms",
      metric: "signalMs",
      baseline: "raw",
      giambio: "giambio",
    },
    {
      label: "extra per task for its signal",
      unit: "us",
      metric: "extraUsPerTask",
      baseline: "raw",
      giambio: "giambio",
    },
    {
      label: "heap per parked task listening on it",
      unit: "B",
      metric: "parkedBytesPerTask",
      baseline: "raw",
      giambio: "giambio",
    },
    {
      label: "cancel 10k of those",
      unit: "ms",
      metric: "parkedCancelMs",
      baseline: "raw",
      giambio: "giambio",
    },
  ],
});
