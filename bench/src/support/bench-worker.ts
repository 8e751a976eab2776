/**
 * The functions the worker benchmarks call in worker threads, through giambio's
 * `runInWorker` and through piscina. Plain code: it loads neither.
 *
 * @module
 */
import { performance } from "node:perf_hooks";

/** The tiny call: the cost measured is the round trip, not the work. */
export function add(a: number, b: number): number {
  return a + b;
}

/** piscina's form of `add`: one argument. */
export function addTask({ a, b }: { a: number; b: number }): number {
  return a + b;
}

/** About `ms` milliseconds of CPU, by the clock (a busy loop). */
export function spin(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}

/** Spins forever without ever checking for cancellation. */
export function spinForever(): never {
  for (;;) {
    // burn
  }
}
