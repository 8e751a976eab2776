/**
 * W6: one producer hands 100,000 items to 100 consumers, each item to one of them, through
 * a queue of 100; the time until every item is consumed and every consumer has ended.
 *
 * - raw: a bounded queue with waiting consumers and producers;
 * - giambio: `openMemoryChannel(100)`, a receive clone per consumer;
 * - Effect: `Queue.bounded(100)`, ended with `Queue.end` (consumers drain it, then stop);
 * - Effection: a channel broadcasts every message to every subscription, so work sharing is
 *   one subscription that the 100 consumers read from together. A channel has no bound,
 *   and Effection runs a parent before its children, so the producer would queue all
 *   100,000 items before any consumer ran (a different workload, and a quadratic one: the
 *   queue grows with `unshift`); the bound of 100 is kept by a count of items in flight,
 *   the producer waiting on `withResolvers` while it is full. Closing a channel ends one
 *   reader only, so the consumers are halted, by leaving their scope, once every item is
 *   counted.
 *
 * @module
 */
import type { Cause, Fiber } from "effect";
import type { WithResolvers } from "effection";
import { loadGiambio } from "../support/giambio.js";
import { BoundedQueue } from "../support/raw-primitives.js";
import { now } from "../support/timing.js";
import { defineWorkload, ratioAtMost } from "../workload.js";

interface Size {
  readonly items: number;
  readonly consumers: number;
  readonly buffer: number;
}

function checkCount(variant: string, got: number, size: Size): void {
  if (got !== size.items) throw new Error(`${variant} fan-out: ${got} of ${size.items} items`);
}

export const fanOut = defineWorkload({
  id: "W6",
  title: "fan-out 1 -> 100 consumers, 100,000 items",
  quick: true,
  sizes: {
    full: { items: 100_000, consumers: 100, buffer: 100 },
    smoke: { items: 1_000, consumers: 10, buffer: 10 },
  },
  variants: {
    async raw(size: Size) {
      const queue = new BoundedQueue<number>(size.buffer);
      let got = 0;
      const t0 = now();
      const consumers = Array.from({ length: size.consumers }, async () => {
        while ((await queue.take()) !== undefined) got++;
      });
      for (let i = 0; i < size.items; i++) await queue.put(i);
      queue.close();
      await Promise.all(consumers);
      const ms = now() - t0;
      checkCount("raw", got, size);
      return { ms };
    },

    async giambio(size: Size) {
      const giambio = loadGiambio();
      return giambio.run(async () => {
        const [send, receive] = giambio.openMemoryChannel<number>(size.buffer);
        let got = 0;
        const t0 = now();
        await giambio.withNursery(async (nursery) => {
          for (let c = 0; c < size.consumers; c++) {
            const mine = receive.clone();
            nursery.spawn(async () => {
              for await (const _item of mine) got++;
            });
          }
          receive.close();
          for (let i = 0; i < size.items; i++) await send.send(i);
          send.close();
        });
        const ms = now() - t0;
        checkCount("giambio", got, size);
        return { ms };
      });
    },

    async effect(size: Size) {
      const { Effect, Fiber, Pull, Queue } = await import("effect");
      let got = 0;
      const ms = await Effect.runPromise(
        Effect.gen(function* () {
          const queue = yield* Queue.bounded<number, Cause.Done>(size.buffer);
          const t0 = now();
          const consumer = Effect.gen(function* () {
            for (;;) {
              yield* Queue.take(queue);
              got++;
            }
          }).pipe(Pull.catchDone(() => Effect.void));
          const consumers = new Array<Fiber.Fiber<void>>(size.consumers);
          for (let c = 0; c < size.consumers; c++) consumers[c] = yield* Effect.forkChild(consumer);
          for (let i = 0; i < size.items; i++) yield* Queue.offer(queue, i);
          yield* Queue.end(queue);
          yield* Fiber.joinAll(consumers);
          return now() - t0;
        }),
      );
      checkCount("effect", got, size);
      return { ms };
    },

    async effection(size: Size) {
      const { createChannel, run, scoped, spawn, withResolvers } = await import("effection");
      let got = 0;
      const ms = await run(function* () {
        const t0 = now();
        yield* scoped(function* () {
          const channel = createChannel<number>();
          const shared = yield* channel;
          const allConsumed = withResolvers<void>();
          let inFlight = 0;
          let room: WithResolvers<void> | undefined;
          for (let c = 0; c < size.consumers; c++) {
            yield* spawn(function* () {
              for (;;) {
                yield* shared.next();
                inFlight--;
                room?.resolve();
                room = undefined;
                if (++got === size.items) allConsumed.resolve();
              }
            });
          }
          for (let i = 0; i < size.items; i++) {
            while (inFlight >= size.buffer) {
              room = withResolvers<void>();
              yield* room.operation;
            }
            inFlight++;
            yield* channel.send(i);
          }
          yield* allConsumed.operation;
        });
        return now() - t0;
      });
      checkCount("effection", got, size);
      return { ms };
    },
  },
  rows: [
    {
      label: "fan-out 1 -> 100 consumers, 100k items",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      giambio: "giambio",
      effect: "effect",
      effection: "effection",
      target: ratioAtMost(2),
    },
  ],
});
