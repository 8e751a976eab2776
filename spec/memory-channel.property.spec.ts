/**
 * Random interleavings of send, receive and cancellation on a memory channel, checked
 * against a reference model of a bounded FIFO with queues of waiting senders and
 * receivers: every value is received at most once, in order, by the receiver the model
 * says; a cancelled send sends nothing and a cancelled receive takes nothing.
 * GIAMBIO_FC_SEED replays a failure.
 */
import fc from "fast-check";
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";

type Ev = { k: "send" } | { k: "recv" } | { k: "cancel"; target: number };
type Outcome = "sent" | "cancelled" | { received: number };

function model(
  max: number,
  events: readonly Ev[],
): { outcomes: Map<number, Outcome>; buffered: number } {
  const buffer: number[] = [];
  const senders: number[] = [];
  const receivers: number[] = [];
  const outcomes = new Map<number, Outcome>();
  events.forEach((e, id) => {
    if (e.k === "send") {
      const r = receivers.shift();
      if (r !== undefined) {
        outcomes.set(r, { received: id });
        outcomes.set(id, "sent");
      } else if (buffer.length < max) {
        buffer.push(id);
        outcomes.set(id, "sent");
      } else senders.push(id);
    } else if (e.k === "recv") {
      if (buffer.length > 0) {
        outcomes.set(id, { received: buffer.shift() as number });
        const s = senders.shift();
        if (s !== undefined) {
          buffer.push(s);
          outcomes.set(s, "sent");
        }
      } else {
        const s = senders.shift();
        if (s !== undefined) {
          outcomes.set(id, { received: s });
          outcomes.set(s, "sent");
        } else receivers.push(id);
      }
    } else {
      for (const q of [senders, receivers]) {
        const i = q.indexOf(e.target);
        if (i >= 0) {
          q.splice(i, 1);
          outcomes.set(e.target, "cancelled");
        }
      }
    }
  });
  for (const id of [...senders, ...receivers]) outcomes.set(id, "cancelled");
  return { outcomes, buffered: buffer.length };
}

const events = fc
  .array(fc.oneof(fc.constant("send"), fc.constant("recv"), fc.nat(30)), {
    minLength: 1,
    maxLength: 30,
  })
  .map((raw) =>
    raw.map((r, i): Ev =>
      typeof r === "number" ? { k: "cancel", target: i === 0 ? 0 : r % i } : { k: r },
    ),
  );

async function real(
  max: number,
  evs: readonly Ev[],
): Promise<{ outcomes: Map<number, Outcome>; buffered: number }> {
  const outcomes = new Map<number, Outcome>();
  let buffered = -1;
  await giambio.runWith(
    { clock: new MockClock({ autojump: true }), handleSignals: false },
    async () => {
      const [send, receive] = giambio.openMemoryChannel<number>(max);
      const tasks = new Map<number, giambio.Task>();
      await giambio.withNursery(async (nursery) => {
        for (let id = 0; id < evs.length; id++) {
          await giambio.sleepUntil(id + 1);
          const e = evs[id] as Ev;
          if (e.k === "send") {
            tasks.set(
              id,
              nursery.spawn(async () => {
                await send.send(id);
                outcomes.set(id, "sent");
              }),
            );
          } else if (e.k === "recv") {
            tasks.set(
              id,
              nursery.spawn(async () => {
                outcomes.set(id, { received: await receive.receive() });
              }),
            );
          } else {
            tasks.get(e.target)?.cancel();
          }
        }
        await giambio.sleepUntil(evs.length + 1);
        buffered = receive.statistics().currentBufferUsed;
        for (const [id, t] of tasks) {
          if (!t.done) t.cancel();
          else if (t.state === "cancelled") outcomes.set(id, "cancelled");
        }
      });
      for (const [id, t] of tasks) if (t.state === "cancelled") outcomes.set(id, "cancelled");
    },
  );
  return { outcomes, buffered };
}

describe("memory channels, on random interleavings", () => {
  it.each([0, 1, 3, Infinity])(
    "match the reference model (buffer %p)",
    async (max) => {
      await fc.assert(
        fc.asyncProperty(events, async (evs) => {
          const want = model(max, evs);
          const got = await real(max, evs);
          expect(got.buffered).toBe(want.buffered);
          expect(Object.fromEntries(got.outcomes)).toEqual(Object.fromEntries(want.outcomes));
        }),
        { numRuns: 150, seed: Number(process.env.GIAMBIO_FC_SEED ?? 7) },
      );
    },
    60_000,
  );
});
