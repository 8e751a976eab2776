import * as giambio from "giambio";
import { withVirtualTime } from "giambio/testing";
import { Boom } from "../support/giambio";

describe("all", () => {
  it(
    "resolves with every result in the order of the functions, whatever order they finish in",
    withVirtualTime(async () => {
      const results = await giambio.all([
        async () => {
          await giambio.sleep(3);
          return "slow";
        },
        async () => {
          await giambio.sleep(1);
          return 2;
        },
        () => true,
      ]);
      expect(results).toEqual(["slow", 2, true]);
      expect(giambio.clock()).toBe(3);
    }),
  );

  it("gives a tuple type for a tuple of functions", async () => {
    await giambio.run(async () => {
      const [n, s, b] = await giambio.all([async () => 1, () => "x", () => Promise.resolve(true)]);
      const typed: [number, string, boolean] = [n, s, b];
      expect(typed).toEqual([1, "x", true]);
    });
  });

  it("resolves with an empty array for no functions", async () => {
    await giambio.run(async () => expect(await giambio.all([])).toEqual([]));
  });

  it(
    "cancels the others when one fails and throws the failure once, after they have finished",
    withVirtualTime(async () => {
      const ended: string[] = [];
      const error = new Boom("b failed");
      const started = giambio.clock();
      const caught = await giambio
        .all([
          async () => {
            try {
              await giambio.sleep(10);
            } finally {
              ended.push("a");
            }
          },
          async () => {
            await giambio.sleep(1);
            throw error;
          },
          async () => {
            try {
              await giambio.sleepForever();
            } finally {
              ended.push("c");
            }
          },
        ])
        .catch((err: unknown) => err);
      expect(caught).toBe(error);
      expect(ended.sort()).toEqual(["a", "c"]);
      expect(giambio.clock() - started).toBe(1);
    }),
  );

  it(
    "throws a MultiError when several fail, as a nursery does",
    withVirtualTime(async () => {
      const caught = await giambio
        .all([() => Promise.reject(new Boom("one")), () => Promise.reject(new Boom("two"))])
        .catch((err: unknown) => err);
      expect(caught).toBeInstanceOf(giambio.MultiError);
      expect((caught as giambio.MultiError).errors.map((e) => (e as Error).message)).toEqual([
        "one",
        "two",
      ]);
    }),
  );

  it(
    "is cancelled with its caller, leaving nothing running",
    withVirtualTime(async () => {
      let running = 0;
      const work = async (): Promise<void> => {
        running++;
        try {
          await giambio.sleep(100);
        } finally {
          running--;
        }
      };
      await giambio.moveOnAfter(5, () => giambio.all([work, work, work]));
      expect(running).toBe(0);
      expect(giambio.clock()).toBe(5);
    }),
  );

  it("does not run until awaited, as every giambio operation", async () => {
    await giambio.run(async () => {
      let calls = 0;
      const op = giambio.all([() => calls++]);
      await giambio.checkpoint();
      expect(calls).toBe(0);
      await op;
      expect(calls).toBe(1);
    });
  });

  it("throws at the call for anything that is not an array of functions", async () => {
    await giambio.run(() => {
      expect(() => giambio.all(5 as never)).toThrow(
        "Expected `fns` to be an array of functions, got `5` (number)",
      );
      expect(() => giambio.all([() => 1, "x"] as never)).toThrow(
        'Expected `fns[1]` to be a function, got `"x"` (string)',
      );
    });
  });
});
