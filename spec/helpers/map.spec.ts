import * as giambio from "giambio";
import { withVirtualTime } from "giambio/testing";
import { Boom } from "../support/giambio";

describe("map", () => {
  it(
    "resolves with the results in input order and passes each item's index",
    withVirtualTime(async () => {
      const results = await giambio.map(
        [3, 1, 2],
        async (seconds, index) => {
          await giambio.sleep(seconds);
          return `${index}:${seconds}`;
        },
        { concurrency: 2 },
      );
      expect(results).toEqual(["0:3", "1:1", "2:2"]);
      // 3 and 1 start at once; 2 starts when 1 ends (t=1) and ends at t=3.
      expect(giambio.clock()).toBe(3);
    }),
  );

  it(
    "never runs more than `concurrency` calls at once",
    withVirtualTime(async () => {
      let inFlight = 0;
      let most = 0;
      await giambio.map(
        Array.from({ length: 50 }, (_, i) => i),
        async (i) => {
          inFlight++;
          most = Math.max(most, inFlight);
          await giambio.sleep((i * 7) % 5);
          inFlight--;
        },
        { concurrency: 4 },
      );
      expect(most).toBe(4);
      expect(inFlight).toBe(0);
    }),
  );

  it(
    "runs every call at once by default (concurrency Infinity)",
    withVirtualTime(async () => {
      await giambio.map(Array.from({ length: 100 }), () => giambio.sleep(1));
      expect(giambio.clock()).toBe(1);
    }),
  );

  it(
    "pulls items lazily: a generator of a million items is held `concurrency` at a time",
    withVirtualTime(async () => {
      let pulled = 0;
      let finished = 0;
      let mostHeld = 0;
      function* items(): Generator<number> {
        for (let i = 0; i < 1_000_000; i++) {
          pulled++;
          mostHeld = Math.max(mostHeld, pulled - finished);
          yield i;
        }
      }
      let seen = 0;
      await giambio.moveOnAfter(10.5, () =>
        giambio.map(
          items(),
          async () => {
            await giambio.sleep(1);
            seen++;
            finished++;
          },
          { concurrency: 8 },
        ),
      );
      // Ten and a half seconds of one-second calls, eight at a time: eighty done, eight more in flight.
      expect(seen).toBe(80);
      expect(pulled).toBe(88);
      expect(mostHeld).toBe(8);
    }),
  );

  it(
    "maps an async iterable, one next() at a time",
    withVirtualTime(async () => {
      let pulling = 0;
      let overlapped = false;
      async function* ticks(): AsyncGenerator<number> {
        for (let i = 0; i < 6; i++) {
          pulling++;
          if (pulling > 1) overlapped = true;
          await giambio.sleep(0.5);
          pulling--;
          yield i;
        }
      }
      const doubled = await giambio.map(
        ticks(),
        async (n) => {
          await giambio.sleep(2);
          return n * 2;
        },
        { concurrency: 3 },
      );
      expect(doubled).toEqual([0, 2, 4, 6, 8, 10]);
      expect(overlapped).toBe(false);
    }),
  );

  it(
    "on a failure, cancels the running calls, pulls nothing more, closes the input and throws",
    withVirtualTime(async () => {
      const log: string[] = [];
      function* items(): Generator<number> {
        try {
          for (let i = 0; ; i++) {
            log.push(`pull ${i}`);
            yield i;
          }
        } finally {
          log.push("closed");
        }
      }
      const error = new Boom("item 2 failed");
      const caught = await giambio
        .map(
          items(),
          async (i) => {
            try {
              await giambio.sleep(i === 2 ? 1 : 5);
            } catch (err) {
              log.push(`cancelled ${i}`);
              throw err;
            }
            if (i === 2) throw error;
          },
          { concurrency: 3 },
        )
        .catch((err: unknown) => err);
      expect(caught).toBe(error);
      expect(log.slice(0, 3)).toEqual(["pull 0", "pull 1", "pull 2"]);
      expect(log.slice(3, 5).sort()).toEqual(["cancelled 0", "cancelled 1"]);
      expect(log[5]).toBe("closed");
      expect(log).toHaveLength(6);
    }),
  );

  it(
    "throws the iterator's own failure",
    withVirtualTime(async () => {
      function* items(): Generator<number> {
        yield 1;
        throw new Boom("the source broke");
      }
      await expect(giambio.map(items(), (x) => giambio.sleep(x))).rejects.toThrow(
        "the source broke",
      );
    }),
  );

  it(
    "is cancelled with its caller and closes the input",
    withVirtualTime(async () => {
      let closed = false;
      function* items(): Generator<number> {
        try {
          for (;;) yield 1;
        } finally {
          closed = true;
        }
      }
      await giambio.moveOnAfter(2.5, () => giambio.map(items(), giambio.sleep, { concurrency: 2 }));
      expect(closed).toBe(true);
      expect(giambio.clock()).toBe(2.5);
    }),
  );

  it(
    "pulls no item after a cancellation, even when fn never waits",
    withVirtualTime(async () => {
      let pulled = 0;
      function* items(): Generator<number> {
        for (;;) yield ++pulled;
      }
      await giambio.withCancelScope(async (scope) => {
        await giambio.map(
          items(),
          (n) => {
            if (n === 3) scope.cancel();
            return n;
          },
          { concurrency: 1 },
        );
      });
      expect(pulled).toBe(3);
    }),
  );

  it("lets the event loop run while it maps a long input with a function that never waits", async () => {
    // A budget of a nanosecond: the map's checkpoints are soon told to yield to the event
    // loop, whatever the machine's speed. Without them it never would until it ended.
    await giambio.runWith({ turnBudget: 1e-9 }, async () => {
      let mapped = 0;
      let seenByImmediate = -1;
      setImmediate(() => (seenByImmediate = mapped));
      await giambio.map(
        Array.from({ length: 100_000 }, (_, i) => i),
        () => mapped++,
        { concurrency: 1 },
      );
      // The map took its checkpoints, and the scheduler's yield policy let I/O in.
      expect(seenByImmediate).toBeGreaterThanOrEqual(0);
      expect(seenByImmediate).toBeLessThan(100_000);
    });
  });

  it("infers the item type from arrays, iterables and async iterables", async () => {
    await giambio.run(async () => {
      const lengths: number[] = await giambio.map(new Set(["a", "bb"]), (s) => s.length);
      async function* nums(): AsyncGenerator<number> {
        yield 1;
      }
      const strings: string[] = await giambio.map(nums(), (n) => n.toFixed(1));
      expect([lengths, strings]).toEqual([[1, 2], ["1.0"]]);
    });
  });

  it("throws at the call for bad input", async () => {
    await giambio.run(() => {
      expect(() => giambio.map(5 as never, () => 1)).toThrow(
        "Expected `items` to be an iterable or an async iterable, got `5` (number)",
      );
      expect(() => giambio.map([1], "f" as never)).toThrow(
        'Expected `fn` to be a function, got `"f"` (string)',
      );
      for (const concurrency of [0, -1, 1.5, NaN]) {
        expect(() => giambio.map([1], () => 1, { concurrency })).toThrow(RangeError);
      }
      expect(() => giambio.map([1], () => 1, { concurrency: 0 })).toThrow(
        "Expected `options.concurrency` to be an integer >= 1 or Infinity, got `0` (number)",
      );
      expect(() => giambio.map([1], () => 1, { concurrency: "2" as never })).toThrow(TypeError);
    });
  });
});
