import * as giambio from "giambio";
import { withVirtualTime } from "giambio/testing";
import { Boom } from "../support/giambio";

/** Calls `retry` with a function that fails `failures` times, and records when it ran. */
async function attemptsAt(failures: number, options: giambio.RetryOptions): Promise<number[]> {
  const at: number[] = [];
  const start = giambio.clock();
  await giambio
    .retry((attempt) => {
      at.push(giambio.clock() - start);
      if (attempt <= failures) throw new Boom(`attempt ${attempt}`);
      return attempt;
    }, options)
    .catch(() => {});
  return at;
}

describe("retry", () => {
  it(
    "calls fn with the attempt number until it returns, and returns its value",
    withVirtualTime(async () => {
      const seen: number[] = [];
      const value = await giambio.retry(async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new Boom("flaky");
        return "ok";
      });
      expect(value).toBe("ok");
      expect(seen).toEqual([1, 2, 3]);
    }),
  );

  it(
    "sleeps delay·factor^n between attempts, on the run's clock",
    withVirtualTime(async () => {
      expect(await attemptsAt(10, { attempts: 5, delay: 1, factor: 3 })).toEqual([0, 1, 4, 13, 40]);
    }),
  );

  it(
    "caps each sleep at maxDelay: hours of backoff in virtual time",
    withVirtualTime(async () => {
      const at = await attemptsAt(100, { attempts: 8, delay: 60, factor: 10, maxDelay: 3600 });
      expect(at).toEqual([0, 60, 660, 4260, 7860, 11460, 15060, 18660]);
    }),
  );

  it(
    "moves each sleep by at most ±jitter, and never below zero",
    withVirtualTime(async () => {
      const at = await attemptsAt(100, { attempts: 40, delay: 2, factor: 1, jitter: 0.5 });
      const sleeps = at.slice(1).map((t, i) => t - at[i]!);
      for (const s of sleeps) {
        expect(s).toBeGreaterThanOrEqual(1.5 - 1e-9);
        expect(s).toBeLessThanOrEqual(2.5 + 1e-9);
      }
      expect(new Set(sleeps.map((s) => s.toFixed(6))).size).toBeGreaterThan(1);
      const small = await attemptsAt(100, { attempts: 20, delay: 0.1, factor: 1, jitter: 1 });
      const smallSleeps = small.slice(1).map((t, i) => t - small[i]!);
      for (const s of smallSleeps) expect(s).toBeGreaterThanOrEqual(0);
    }),
  );

  it(
    "uses the defaults: 3 attempts, 0.1 s then 0.2 s",
    withVirtualTime(async () => {
      const at = await attemptsAt(10, {});
      expect(at).toHaveLength(3);
      expect(at[1]).toBeCloseTo(0.1, 9);
      expect(at[2]).toBeCloseTo(0.3, 9);
    }),
  );

  it(
    "throws the last error when the attempts run out",
    withVirtualTime(async () => {
      let n = 0;
      await expect(
        giambio.retry(
          () => {
            throw new Boom(`failure ${++n}`);
          },
          { attempts: 4, delay: 0 },
        ),
      ).rejects.toThrow("failure 4");
    }),
  );

  it(
    "retries only what retryIf accepts, and throws the rest at once",
    withVirtualTime(async () => {
      const seen: number[] = [];
      const fatal = new TypeError("fatal");
      const caught = await giambio
        .retry(
          (attempt) => {
            seen.push(attempt);
            throw attempt < 3 ? new Boom("transient") : fatal;
          },
          { attempts: 10, retryIf: (err) => err instanceof Boom },
        )
        .catch((err: unknown) => err);
      expect(caught).toBe(fatal);
      expect(seen).toEqual([1, 2, 3]);
    }),
  );

  it(
    "never retries a cancellation, during an attempt or during a sleep",
    withVirtualTime(async () => {
      let calls = 0;
      let askedAboutCancelled = false;
      await giambio.moveOnAfter(5, () =>
        giambio.retry(
          async () => {
            calls++;
            await giambio.sleepForever();
          },
          {
            attempts: Infinity,
            retryIf: (err) => {
              askedAboutCancelled ||= giambio.isCancelled(err);
              return true;
            },
          },
        ),
      );
      expect(calls).toBe(1);
      expect(askedAboutCancelled).toBe(false);
      calls = 0;
      await giambio.moveOnAfter(5, () =>
        giambio.retry(
          () => {
            calls++;
            throw new Boom("again");
          },
          { attempts: Infinity, delay: 1, factor: 1 },
        ),
      );
      expect(calls).toBe(5); // at 0, 1, 2, 3, 4; cancelled in the sleep that ends at 5
      expect(giambio.clock()).toBe(10);
    }),
  );

  it(
    "does not call fn at all in a cancelled scope",
    withVirtualTime(async () => {
      let calls = 0;
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        await giambio.retry(() => calls++);
      });
      expect(calls).toBe(0);
    }),
  );

  it("throws at the call for bad options", async () => {
    await giambio.run(() => {
      const ok = (): number => 1;
      expect(() => giambio.retry("x" as never)).toThrow(
        'Expected `fn` to be a function, got `"x"` (string)',
      );
      expect(() => giambio.retry(ok, { attempts: 0 })).toThrow(
        "Expected `options.attempts` to be an integer >= 1 or Infinity, got `0` (number)",
      );
      expect(() => giambio.retry(ok, { delay: -1 })).toThrow(
        "Expected `options.delay` to be a finite number >= 0, got `-1` (number)",
      );
      expect(() => giambio.retry(ok, { delay: Infinity })).toThrow(RangeError);
      expect(() => giambio.retry(ok, { delay: NaN })).toThrow(TypeError); // as checkDuration
      expect(() => giambio.retry(ok, { factor: 0.5 })).toThrow(
        "Expected `options.factor` to be a finite number >= 1, got `0.5` (number)",
      );
      expect(() => giambio.retry(ok, { maxDelay: NaN })).toThrow(
        "Expected `options.maxDelay` to be a number >= 0, got `NaN` (number)",
      );
      expect(() => giambio.retry(ok, { jitter: "1" as never })).toThrow(TypeError);
      expect(() => giambio.retry(ok, { retryIf: 1 as never })).toThrow(
        "Expected `options.retryIf` to be a function, got `1` (number)",
      );
      expect(() => giambio.retry(ok, 3 as never)).toThrow(
        "Expected `options` to be an object, got `3` (number)",
      );
    });
  });
});
