/**
 * The event-loop yield policy, giambio against raw: while one task spins on checkpoints for
 * 200 ms, how late a `setImmediate` chain and a `setTimeout(0)` chain run, and how many
 * checkpoints pass per second; giambio by default and under
 * `runWith({ turnBudget: Infinity })` (never yield to the event loop).
 *
 * @module
 */
import { loadGiambio, type RunOptions } from "../support/giambio.js";
import { now, pause } from "../support/timing.js";
import { defineWorkload, type Metrics } from "../workload.js";

interface Size {
  readonly spinMs: number;
}

/** `turnBudget`: how long the runner may keep the event loop waiting; here, for ever. */
const neverYield: RunOptions = { turnBudget: Infinity };

/**
 * Runs `spin()` with two probes armed: a `setImmediate` and a `setTimeout(0)` chain, each
 * callback re-arming itself and noting how late it ran.
 */
async function withProbes(spin: () => Promise<Metrics>): Promise<Metrics> {
  let stop = false;
  let worstImmediate = 0;
  let worstTimeout = 0;
  let timeouts = 0;
  let immediateAt = now();
  const onImmediate = (): void => {
    const t = now();
    worstImmediate = Math.max(worstImmediate, t - immediateAt);
    immediateAt = t;
    if (!stop) setImmediate(onImmediate);
  };
  let timeoutAt = now();
  const onTimeout = (): void => {
    const t = now();
    worstTimeout = Math.max(worstTimeout, t - timeoutAt);
    timeouts++;
    timeoutAt = t;
    if (!stop) setTimeout(onTimeout, 0);
  };
  setImmediate(onImmediate);
  setTimeout(onTimeout, 0);
  await pause(5); // both probes armed, in steady state
  const timeoutsBefore = timeouts;
  const spun = await spin();
  const timeoutsDuring = timeouts - timeoutsBefore;
  stop = true;
  await pause(5);
  return { ...spun, worstImmediate, worstTimeout, timeouts: timeoutsDuring };
}

async function giambioSpin(options: RunOptions, size: Size): Promise<Metrics> {
  const giambio = loadGiambio();
  return withProbes(() =>
    giambio.runWith(options, async () => {
      let n = 0;
      const t0 = now();
      while (now() - t0 < size.spinMs) {
        for (let i = 0; i < 1000; i++) await giambio.checkpoint();
        n += 1000;
      }
      return { perSec: (n / (now() - t0)) * 1000 };
    }),
  );
}

export const yieldPolicy = defineWorkload({
  id: "yield",
  title: "event-loop yield policy: one task spinning on checkpoints for 200 ms",
  quick: false,
  sizes: { full: { spinMs: 200 }, smoke: { spinMs: 20 } },
  variants: {
    async raw(size: Size) {
      return withProbes(async () => {
        let n = 0;
        const t0 = now();
        while (now() - t0 < size.spinMs) {
          // eslint-disable-next-line @typescript-eslint/await-thenable -- one microtask hop
          for (let i = 0; i < 1000; i++) await undefined;
          n += 1000;
        }
        return { perSec: (n / (now() - t0)) * 1000 };
      });
    },
    giambio: (size: Size) => giambioSpin({}, size),
    giambioNoYield: (size: Size) => giambioSpin(neverYield, size),
  },
  rows: [
    {
      label: "worst setImmediate delay in a 200 ms spin",
      unit: "ms",
      metric: "worstImmediate",
      baseline: "raw",
      giambio: "giambio",
    },
    {
      label: "the same, turnBudget: Infinity",
      unit: "ms",
      metric: "worstImmediate",
      baseline: "raw",
      giambio: "giambioNoYield",
    },
    {
      label: "worst setTimeout(0) delay in the spin",
      unit: "ms",
      metric: "worstTimeout",
      baseline: "raw",
      giambio: "giambio",
    },
    {
      label: "the same, turnBudget: Infinity",
      unit: "ms",
      metric: "worstTimeout",
      baseline: "raw",
      giambio: "giambioNoYield",
    },
    {
      label: "setTimeout(0) callbacks run in the spin",
      unit: "",
      metric: "timeouts",
      baseline: "raw",
      giambio: "giambio",
    },
    {
      label: "checkpoints per second in the spin",
      unit: "/s",
      metric: "perSec",
      baseline: "raw",
      giambio: "giambio",
    },
    {
      label: "the same, turnBudget: Infinity",
      unit: "/s",
      metric: "perSec",
      baseline: "raw",
      giambio: "giambioNoYield",
    },
  ],
});
