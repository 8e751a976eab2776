import { execFile } from "node:child_process";
import * as path from "node:path";
import * as giambio from "giambio";
import { MockClock, waitAllTasksBlocked, withVirtualTime } from "giambio/testing";

const ROOT = path.resolve(__dirname, "../..");

describe("withVirtualTime", () => {
  it(
    "runs the body as a run on an autojumping MockClock, given to the body",
    withVirtualTime(async (clock) => {
      expect(clock).toBeInstanceOf(MockClock);
      await giambio.sleep(86_400);
      expect(giambio.clock()).toBe(86_400);
      expect(clock.now()).toBe(86_400);
    }),
  );

  it(
    "starts the clock where `start` says",
    withVirtualTime(
      async () => {
        expect(giambio.clock()).toBe(100);
      },
      { start: 100 },
    ),
  );

  it("returns a function of no arguments, so no runner mistakes it for a callback test", () => {
    expect(withVirtualTime(() => {}).length).toBe(0);
  });

  it("gives each call a fresh clock, from the start", async () => {
    const seen: number[] = [];
    const test = withVirtualTime(async () => {
      seen.push(giambio.clock());
      await giambio.sleep(5);
    });
    await test();
    await test();
    expect(seen).toEqual([0, 0]);
  });

  it("rejects with the body's error once every task has finished", async () => {
    let cleanedUp = false;
    const test = withVirtualTime(async () => {
      giambio.spawn(async () => {
        try {
          await giambio.sleepForever();
        } finally {
          cleanedUp = true;
        }
      });
      await giambio.sleep(1);
      throw new Error("the body failed");
    });
    await expect(test()).rejects.toThrow("the body failed");
    expect(cleanedUp).toBe(true);
  });

  it("with autojump: false, leaves the clock to the body", async () => {
    const test = withVirtualTime(
      async (clock) => {
        giambio.spawn(async () => {
          await waitAllTasksBlocked();
          clock.jump(3);
        });
        await giambio.sleep(3);
        expect(giambio.clock()).toBe(3);
      },
      { autojump: false },
    );
    await test();
  });

  it("throws at the call for bad input", () => {
    expect(() => withVirtualTime(1 as never)).toThrow(
      "Expected `fn` to be a function, got `1` (number)",
    );
    expect(() => withVirtualTime(() => {}, { start: NaN })).toThrow(
      "Expected `options.start` to be a finite number, got `NaN` (number)",
    );
  });

  it("works under node:test too", async () => {
    const output = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [
          "--test-reporter=tap", // Node 24's default (spec) differs from Node 20's (tap)
          "-r",
          path.join(ROOT, "spec/support/ts-register.js"),
          path.join(ROOT, "spec/fixtures/virtual-time.node-test.ts"),
        ],
        { cwd: ROOT, timeout: 50_000 },
        (_error, stdout, stderr) => resolve(stdout + stderr),
      );
    });
    expect(output).toMatch(/^ok \d+ - an hour of retries takes no time$/m);
    expect(output).toMatch(/deliberate failure at 10/);
    expect(output).toMatch(/^# pass 1$/m);
    expect(output).toMatch(/^# todo 1$/m);
  }, 60_000); // a child that transpiles its TypeScript on load: slow on a busy machine
});
