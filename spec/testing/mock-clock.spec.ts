import * as giambio from "giambio";
import { MockClock, waitAllTasksBlocked } from "giambio/testing";

const run = <T>(clock: MockClock, fn: () => Promise<T>): Promise<T> =>
  giambio.runWith({ clock, handleSignals: false }, fn);

describe("MockClock", () => {
  it("starts at `start` (default 0) and moves only when told to", async () => {
    expect(new MockClock().now()).toBe(0);
    const clock = new MockClock({ start: 100 });
    await run(clock, async () => {
      expect(giambio.clock()).toBe(100);
      let woke = -1;
      giambio.spawn(async () => {
        await giambio.sleep(2.5);
        woke = giambio.clock();
      });
      await waitAllTasksBlocked();
      expect(woke).toBe(-1);
      clock.jump(2);
      await waitAllTasksBlocked();
      expect(woke).toBe(-1);
      clock.jump(0.5);
      await waitAllTasksBlocked();
      expect(woke).toBe(102.5);
    });
  });

  it("jump() never goes back, and checks its argument", () => {
    const clock = new MockClock();
    expect(() => clock.jump(-1)).toThrow(
      new RangeError("Expected `seconds` to be a number >= 0, got `-1` (number)"),
    );
    expect(() => clock.jump(NaN)).toThrow(TypeError);
    clock.jump(0);
    clock.jump(3);
    expect(clock.now()).toBe(3);
  });

  it("with autojump, jumps to the next deadline whenever every task is blocked", async () => {
    const clock = new MockClock({ autojump: true });
    await run(clock, async () => {
      await giambio.sleep(3600);
      expect(giambio.clock()).toBe(3600);
      expect(await giambio.moveOnAfter(60, () => giambio.sleepForever())).toBeUndefined();
      expect(giambio.clock()).toBe(3660);
    });
  });

  it("an autojump threshold in real seconds waits that long first, so a smaller cushion wins", async () => {
    const clock = new MockClock({ autojump: 0.02 });
    expect(clock.autojump).toBe(0.02);
    await run(clock, async () => {
      const sleeper = giambio.spawn(() => giambio.sleep(10));
      await waitAllTasksBlocked(0.001); // returns before the jump
      expect(giambio.clock()).toBe(0);
      await sleeper.join(); // then time jumps, after 20 ms of real idleness
      expect(giambio.clock()).toBe(10);
    });
  });

  it("autojump can be switched on and off while running", async () => {
    const clock = new MockClock();
    await run(clock, async () => {
      const sleeper = giambio.spawn(() => giambio.sleep(5));
      await waitAllTasksBlocked();
      expect(giambio.clock()).toBe(0);
      clock.autojump = true;
      await sleeper.join();
      expect(giambio.clock()).toBe(5);
      clock.autojump = false;
      expect(clock.autojump).toBe(false);
    });
  });

  it("rejects bad options, naming them", () => {
    expect(() => new MockClock({ autojump: -1 })).toThrow(
      "Expected `autojump` to be a boolean or a number of seconds >= 0, got `-1` (number)",
    );
    expect(() => new MockClock({ start: NaN })).toThrow(
      "Expected `options.start` to be a finite number, got `NaN` (number)",
    );
    expect(() => new MockClock(null as never)).toThrow(TypeError);
  });
});

describe("MockClock misuse (issue 10)", () => {
  it("refuses a second live run on the same clock, at the call", async () => {
    const clock = new MockClock({ autojump: true });
    const controller = new AbortController();
    const first = giambio
      .runWith({ clock, handleSignals: false, signal: controller.signal }, () =>
        giambio.sleepForever(),
      )
      .catch(() => undefined);
    expect(() => giambio.runWith({ clock, handleSignals: false }, async () => {})).toThrow(
      "This MockClock is already used by a run that has not ended",
    );
    controller.abort();
    await first;
    // Once the first run has ended, the clock can be used again.
    await giambio.runWith({ clock, handleSignals: false }, () => giambio.sleep(1));
  });

  it("refuses to jump to Infinity", () => {
    expect(() => new MockClock().jump(Infinity)).toThrow(RangeError);
  });
});
