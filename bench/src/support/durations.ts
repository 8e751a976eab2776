/**
 * The same pseudo-random sleep durations for every variant: a seeded linear congruential
 * generator (the constants of Numerical Recipes), so no variant draws easier luck.
 *
 * @module
 */

/** `count` whole milliseconds from 0 to `maxMs`, the same sequence on every call. */
export function sleepDurationsMs(count: number, maxMs: number): Uint8Array {
  const out = new Uint8Array(count);
  let state = 0x2545f491;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    // The high bits: an LCG's low bits cycle with short periods.
    out[i] = (state >>> 16) % (maxMs + 1);
  }
  return out;
}
