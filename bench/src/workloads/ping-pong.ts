/**
 * W5: 100,000 round trips between two tasks, a message each way per trip.
 *
 * - raw: two one-slot rendezvous mailboxes (a promise hand-off);
 * - giambio: two unbuffered memory channels;
 * - Effect: two `Queue.bounded(1)` (each side waits for the reply, so the bound never
 *   fills);
 * - Effection: two channels, each with one subscription taken before the first send
 *   (a channel drops what it sends while nobody is subscribed).
 *
 * @module
 */
import { loadGiambio } from "../support/giambio.js";
import { Mailbox } from "../support/raw-primitives.js";
import { now } from "../support/timing.js";
import { defineWorkload, ratioAtMost } from "../workload.js";

interface Size {
  readonly trips: number;
}

export const pingPong = defineWorkload({
  id: "W5",
  title: "channel ping-pong, 100,000 round trips",
  quick: true,
  sizes: { full: { trips: 100_000 }, smoke: { trips: 100 } },
  variants: {
    async raw(size: Size) {
      const toPong = new Mailbox<number>();
      const toPing = new Mailbox<number>();
      const t0 = now();
      const ping = (async () => {
        for (let i = 0; i < size.trips; i++) {
          await toPong.put(i);
          await toPing.take();
        }
      })();
      const pong = (async () => {
        for (let i = 0; i < size.trips; i++) await toPing.put(await toPong.take());
      })();
      await Promise.all([ping, pong]);
      return { ms: now() - t0 };
    },

    async giambio(size: Size) {
      const giambio = loadGiambio();
      return giambio.run(async () => {
        const [toPong, fromPing] = giambio.openMemoryChannel<number>(0);
        const [toPing, fromPong] = giambio.openMemoryChannel<number>(0);
        const t0 = now();
        await giambio.withNursery(async (nursery) => {
          nursery.spawn(async () => {
            for (let i = 0; i < size.trips; i++) {
              await toPong.send(i);
              await fromPong.receive();
            }
          });
          nursery.spawn(async () => {
            for (let i = 0; i < size.trips; i++) await toPing.send(await fromPing.receive());
          });
        });
        return { ms: now() - t0 };
      });
    },

    async effect(size: Size) {
      const { Effect, Fiber, Queue } = await import("effect");
      return Effect.runPromise(
        Effect.gen(function* () {
          const toPong = yield* Queue.bounded<number>(1);
          const toPing = yield* Queue.bounded<number>(1);
          const t0 = now();
          const ping = yield* Effect.forkChild(
            Effect.gen(function* () {
              for (let i = 0; i < size.trips; i++) {
                yield* Queue.offer(toPong, i);
                yield* Queue.take(toPing);
              }
            }),
          );
          const pong = yield* Effect.forkChild(
            Effect.gen(function* () {
              for (let i = 0; i < size.trips; i++) {
                yield* Queue.offer(toPing, yield* Queue.take(toPong));
              }
            }),
          );
          yield* Fiber.joinAll([ping, pong]);
          return { ms: now() - t0 };
        }),
      );
    },

    async effection(size: Size) {
      const { createChannel, run, spawn } = await import("effection");
      return run(function* () {
        const toPong = createChannel<number>();
        const toPing = createChannel<number>();
        const fromPing = yield* toPong;
        const fromPong = yield* toPing;
        const t0 = now();
        const ping = yield* spawn(function* () {
          for (let i = 0; i < size.trips; i++) {
            yield* toPong.send(i);
            yield* fromPong.next();
          }
        });
        const pong = yield* spawn(function* () {
          for (let i = 0; i < size.trips; i++) {
            const next = yield* fromPing.next();
            if (next.done === true) throw new Error("effection ping-pong: the channel closed");
            yield* toPing.send(next.value);
          }
        });
        yield* ping;
        yield* pong;
        return { ms: now() - t0 };
      });
    },
  },
  rows: [
    {
      label: "channel ping-pong, 100k round trips",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      giambio: "giambio",
      effect: "effect",
      effection: "effection",
      target: ratioAtMost(3),
    },
  ],
});
