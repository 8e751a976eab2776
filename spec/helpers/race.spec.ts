import * as giambio from "giambio";
import { withVirtualTime } from "giambio/testing";
import { Boom } from "../support/giambio";

describe("race", () => {
  it(
    "returns the first value, after the losers have been cancelled and awaited",
    withVirtualTime(async () => {
      const log: string[] = [];
      const loser = (name: string, seconds: number) => async () => {
        try {
          await giambio.sleep(seconds);
          return name;
        } catch (err) {
          log.push(`${name} cancelled at ${giambio.clock()}`);
          throw err;
        } finally {
          // The loser's cleanup takes time; the race waits for it.
          await giambio.withCancelScope(() => giambio.sleep(0.5), { shield: true });
          log.push(`${name} cleaned up at ${giambio.clock()}`);
        }
      };
      const winner = await giambio.race([
        loser("slow", 10),
        async () => {
          await giambio.sleep(2);
          return "fast";
        },
        loser("slower", 20),
      ]);
      log.push(`race returned ${winner} at ${giambio.clock()}`);
      expect(log.slice(0, 4).sort()).toEqual([
        "slow cancelled at 2",
        "slow cleaned up at 2.5",
        "slower cancelled at 2",
        "slower cleaned up at 2.5",
      ]);
      expect(log[4]).toBe("race returned fast at 2.5");
    }),
  );

  it(
    "keeps the first winner when a loser returns too while being cancelled",
    withVirtualTime(async () => {
      const value = await giambio.race([
        async () => {
          await giambio.sleep(1);
          return "first";
        },
        async () => {
          await giambio.sleep(5).catch(() => {}); // swallows the cancellation, returns
          return "second";
        },
      ]);
      expect(value).toBe("first");
    }),
  );

  it(
    "throws a failure that comes before any winner, with the others cancelled",
    withVirtualTime(async () => {
      let cancelled = false;
      const error = new Boom("lost the connection");
      const caught = await giambio
        .race([
          async () => {
            await giambio.sleep(1);
            throw error;
          },
          async () => {
            try {
              await giambio.sleep(5);
              return "late";
            } catch (err) {
              cancelled = giambio.isCancelled(err);
              throw err;
            }
          },
        ])
        .catch((err: unknown) => err);
      expect(caught).toBe(error);
      expect(cancelled).toBe(true);
      expect(giambio.clock()).toBe(1);
    }),
  );

  it(
    "throws a loser's failure during its cancellation rather than losing it",
    withVirtualTime(async () => {
      const error = new Boom("cleanup failed");
      const caught = await giambio
        .race([
          () => "now",
          async () => {
            try {
              await giambio.sleepForever();
            } finally {
              throw error;
            }
          },
        ])
        .catch((err: unknown) => err);
      expect(caught).toBe(error);
    }),
  );

  it(
    "throws Cancelled when its caller is cancelled, even after a winner",
    withVirtualTime(async () => {
      const scope = await giambio.withCancelScope(async (scope) => {
        await giambio.race([
          async () => {
            scope.cancel();
            return 1;
          },
          giambio.sleepForever,
        ]);
        throw new Error("not reached");
      });
      expect(scope).toBeUndefined();
    }),
  );

  it("has the union of the results as its type", async () => {
    await giambio.run(async () => {
      const value: number | string = await giambio.race([async () => 1, () => "x"]);
      expect(value).toBe(1);
    });
  });

  it("throws at the call for an empty array or a non-function", async () => {
    await giambio.run(() => {
      expect(() => giambio.race([])).toThrow(
        "Expected `fns` to hold at least one function, got an empty array",
      );
      expect(() => giambio.race([null] as never)).toThrow(
        "Expected `fns[0]` to be a function, got `null` (null)",
      );
    });
  });
});
