/**
 * A property test of `map` against a model: random inputs (item count, call durations,
 * concurrency, a failing item, a cancellation time), run on the virtual clock, and checked
 * against what a pool of `concurrency` workers pulling items in order must do.
 *
 * The model: each item starts when it is pulled, by the first worker to be free (list
 * scheduling), and ends `duration` seconds later; the failing item throws at its end; the
 * caller cancels at `cancelAt` (a half second, so it never ties with an end). Whatever
 * happens first decides the outcome and the time `map` returns at.
 *
 * Seeded: set GIAMBIO_FC_SEED to replay a failure.
 */
import fc from "fast-check";
import * as giambio from "giambio";
import { withVirtualTime } from "giambio/testing";
import { Boom } from "../support/giambio";

interface Case {
  durations: number[];
  concurrency: number;
  failAt: number | null;
  cancelAt: number;
}

type Outcome =
  | { kind: "results"; at: number; values: number[] }
  | { kind: "failed"; at: number }
  | { kind: "cancelled"; at: number };

function model(c: Case): Outcome {
  const free: number[] = Array.from({ length: Math.min(c.concurrency, 1_000) }, () => 0);
  const ends: number[] = [];
  for (const duration of c.durations) {
    free.sort((a, b) => a - b);
    const start = free.shift()!;
    ends.push(start + duration);
    free.push(start + duration);
  }
  const done = ends.length === 0 ? 0 : Math.max(...ends);
  const failure = c.failAt === null ? Infinity : ends[c.failAt]!;
  const first = Math.min(done, failure, c.cancelAt);
  if (first === c.cancelAt) return { kind: "cancelled", at: c.cancelAt };
  if (first === failure) return { kind: "failed", at: failure };
  return { kind: "results", at: done, values: c.durations.map((d, i) => d * 10 + i) };
}

const cases: fc.Arbitrary<Case> = fc
  .record({
    durations: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 30 }),
    concurrency: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(Infinity)),
    failAt: fc.option(fc.nat(), { nil: null }),
    cancelAt: fc.integer({ min: 0, max: 40 }).map((n) => n + 0.5),
  })
  .map((c) => ({
    ...c,
    failAt: c.failAt === null || c.durations.length === 0 ? null : c.failAt % c.durations.length,
  }));

async function check(c: Case): Promise<void> {
  const expected = model(c);
  let inFlight = 0;
  let most = 0;
  let pulled = 0;
  let ended = 0;
  let mostHeld = 0;
  function* items(): Generator<number> {
    for (let i = 0; i < c.durations.length; i++) {
      pulled++;
      mostHeld = Math.max(mostHeld, pulled - ended);
      yield c.durations[i]!;
    }
  }
  let outcome: Outcome | undefined;
  const failure = new Boom("the failing item");
  await giambio.moveOnAfter(c.cancelAt, async () => {
    try {
      const values = await giambio.map(
        items(),
        async (duration, index) => {
          inFlight++;
          most = Math.max(most, inFlight);
          try {
            await giambio.sleep(duration);
          } finally {
            inFlight--;
            ended++;
          }
          if (index === c.failAt) throw failure;
          return duration * 10 + index;
        },
        { concurrency: c.concurrency },
      );
      outcome = { kind: "results", at: giambio.clock(), values };
    } catch (err) {
      if (giambio.isCancelled(err)) throw err;
      expect(err).toBe(failure);
      outcome = { kind: "failed", at: giambio.clock() };
    }
  });
  outcome ??= { kind: "cancelled", at: giambio.clock() };
  expect(outcome).toEqual(expected);
  expect(inFlight).toBe(0);
  expect(most).toBeLessThanOrEqual(c.concurrency);
  // Lazy: an item is pulled only when a call slot is free.
  expect(mostHeld).toBeLessThanOrEqual(c.concurrency);
}

describe("map (property)", () => {
  it("matches the worker-pool model for random inputs, failures and cancellations", async () => {
    await fc.assert(
      fc.asyncProperty(cases, (c) => withVirtualTime(() => check(c))()),
      { numRuns: 200, seed: Number(process.env.GIAMBIO_FC_SEED ?? 11) },
    );
  });
});
