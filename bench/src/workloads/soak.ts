/**
 * The churn soak, giambio only: 1,000,000 tasks spawned, cancelled and finished in waves of
 * 10,000, then the heap after a forced GC against the heap before the first wave (after ten
 * warm-up waves: JIT, inline caches, pools). A leak of even a few bytes per task shows up
 * as megabytes.
 *
 * In each wave a third of the tasks finish at once, a third sleep and are cancelled by the
 * nursery, a third open a cancel scope with a deadline, read its signal and time out; every
 * tenth task spawns a grandchild.
 *
 * @module
 */
import { loadGiambio, type GiambioModule } from "../support/giambio.js";
import { heapAfterGc } from "../support/timing.js";
import { defineWorkload, within } from "../workload.js";

interface Size {
  readonly tasks: number;
  readonly wave: number;
  readonly warmupWaves: number;
}

async function wave(giambio: GiambioModule, tasks: number): Promise<void> {
  await giambio.withNursery(async (nursery) => {
    for (let i = 0; i < tasks; i++) {
      const kind = i % 3;
      nursery.spawn(async () => {
        if (i % 10 === 0) giambio.spawn(giambio.sleep, 0.001);
        if (kind === 0) return;
        if (kind === 1) return giambio.sleep(3600); // cancelled below
        await giambio.moveOnAfter(0.002, async () => {
          void giambio.currentSignal().aborted;
          await giambio.sleepForever();
        });
      });
    }
    await giambio.sleep(0.005);
    nursery.cancel();
  });
}

export const soak = defineWorkload({
  id: "soak",
  title: "churn soak: heap growth after 1,000,000 tasks in waves (giambio only)",
  quick: true,
  sizes: {
    full: { tasks: 1_000_000, wave: 10_000, warmupWaves: 10 },
    smoke: { tasks: 2_000, wave: 500, warmupWaves: 1 },
  },
  // The soak warms up inside, and its figure hardly moves from run to run.
  maxWarmups: 0,
  maxRounds: 1,
  variants: {
    async giambio(size: Size) {
      const giambio = loadGiambio();
      return giambio.run(async () => {
        for (let i = 0; i < size.warmupWaves; i++) await wave(giambio, size.wave);
        const baseline = heapAfterGc();
        for (let done = 0; done < size.tasks; done += size.wave) await wave(giambio, size.wave);
        const after = heapAfterGc();
        return { growthPercent: ((after - baseline) / baseline) * 100, baselineBytes: baseline };
      });
    },
  },
  rows: [
    {
      label: "heap growth after 1M tasks, after GC",
      unit: "%",
      metric: "growthPercent",
      giambio: "giambio",
      target: within(5, "%"),
    },
  ],
});
