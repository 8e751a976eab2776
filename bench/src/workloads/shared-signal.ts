/**
 * No giambio: 10,000 promises that start listening for an abort, each on its own
 * AbortController, or all on one shared signal (what a signal-per-parent design does).
 * EventTarget looks for a duplicate listener in a list, so the shared case costs
 * O(listeners) per listener.
 *
 * @module
 */
import { setMaxListeners } from "node:events";
import { now } from "../support/timing.js";
import { defineWorkload } from "../workload.js";

interface Size {
  readonly listeners: number;
}

/** The time to add the listeners; then aborts and awaits them all. */
async function listen(shared: boolean, size: Size): Promise<number> {
  const sharedController = new AbortController();
  setMaxListeners(0, sharedController.signal);
  const controllers: AbortController[] = [];
  const parked = new Array<Promise<void>>(size.listeners);
  const t0 = now();
  for (let i = 0; i < size.listeners; i++) {
    let controller = sharedController;
    if (!shared) controllers.push((controller = new AbortController()));
    parked[i] = new Promise<void>((resolve) => {
      controller.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }
  const ms = now() - t0;
  sharedController.abort();
  for (const controller of controllers) controller.abort();
  await Promise.all(parked);
  return ms;
}

export const sharedSignal = defineWorkload({
  id: "sharedSignal",
  title: "no giambio: 10,000 abort listeners, on their own signals or on one shared",
  quick: false,
  sizes: { full: { listeners: 10_000 }, smoke: { listeners: 100 } },
  variants: {
    async raw(size: Size) {
      return { ownMs: await listen(false, size), sharedMs: await listen(true, size) };
    },
  },
  rows: [
    {
      label: "no giambio: 10k abort listeners on one signal",
      unit: "ms",
      metric: "ownMs",
      baseline: "raw",
      baselineName: "one each",
      giambio: ["raw", "sharedMs"],
    },
  ],
});
