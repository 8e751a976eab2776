/**
 * `MockClock`: virtual time for tests.
 *
 * @module
 */
import { checkDuration, checkOptions, describe, type ClockListener, type RunClock } from "../core";

/**
 * Options of {@link MockClock}.
 *
 * @example
 * ```ts
 * import { MockClock } from "giambio/testing";
 *
 * const clock = new MockClock({ autojump: 0.01, start: 100 }); // jump after 10 ms of real idleness
 * ```
 */
export interface MockClockOptions {
  /**
   * Jump to the next deadline whenever every task is blocked: `true` at once, or a number of
   * *real* seconds to wait first (so that foreign I/O gets a chance).
   * @default false
   */
  autojump?: boolean | number;
  /**
   * The virtual time the clock starts at, in seconds.
   * @default 0
   */
  start?: number;
}

/**
 * A virtual clock: time moves only when the test says so (`jump`) or, with `autojump`,
 * whenever every task is blocked, straight to the next deadline. A test of an hour-long
 * timeout then takes milliseconds, and never depends on real timing.
 *
 * @example
 * ```ts
 * import { MockClock } from "giambio/testing";
 *
 * const clock = new MockClock({ autojump: true });
 * await giambio.runWith({ clock }, async () => {
 *   await giambio.sleep(3600);
 *   console.log(giambio.clock());
 * });
 * ```
 *
 * ```text
 * 3600
 * ```
 */
export class MockClock implements RunClock {
  /** Always `true`: time moves only by `jump()` and autojump. */
  readonly virtual = true;
  /** @internal */ _autojump: number | false;
  /** @internal */
  private _now: number;
  /** @internal The runs using this clock. */
  private readonly _listeners = new Set<ClockListener>();

  constructor(options: MockClockOptions = {}) {
    checkOptions(options, "options");
    const { autojump = false, start = 0 } = options;
    if (typeof start !== "number" || !Number.isFinite(start)) {
      // NaN is a TypeError, as in checkDuration; ±Infinity is a number out of the domain.
      const err = typeof start === "number" && !Number.isNaN(start) ? RangeError : TypeError;
      throw new err(`Expected \`options.start\` to be a finite number, got ${describe(start)}`);
    }
    this._now = start;
    this._autojump = parseAutojump(autojump);
  }

  /** The current virtual time, in seconds. */
  now(): number {
    return this._now;
  }

  /**
   * Whether (and after how many real seconds) time jumps when every task is blocked;
   * `false` for never, `0` for at once. Settable.
   */
  get autojump(): number | false {
    return this._autojump;
  }

  set autojump(value: boolean | number) {
    this._autojump = parseAutojump(value);
  }

  /**
   * Moves virtual time forward by `seconds` and wakes whatever became due.
   *
   * @throws `RangeError` for a negative or `NaN` amount: time never goes back
   */
  jump(seconds: number): void {
    checkDuration(seconds, "seconds");
    if (seconds === Infinity) {
      throw new RangeError(
        "Expected `seconds` to be a finite number >= 0, got `Infinity` (number): a clock that " +
          "reads Infinity can never move again",
      );
    }
    this._jumpTo(this._now + seconds);
  }

  /** @internal */
  _jumpTo(time: number): void {
    if (time <= this._now) return;
    this._now = time;
    for (const l of this._listeners) l.clockMoved();
  }

  /** @internal */
  _attach(listener: ClockListener): void {
    if (this._listeners.size > 0) {
      // One run's autojump would skip past the other run's deadlines.
      throw new TypeError(
        "This MockClock is already used by a run that has not ended: give each run its own " +
          "MockClock",
      );
    }
    this._listeners.add(listener);
  }

  /** @internal */
  _detach(listener: ClockListener): void {
    this._listeners.delete(listener);
  }
}

function parseAutojump(value: unknown): number | false {
  if (value === false) return false;
  if (value === true) return 0;
  if (typeof value === "number" && value >= 0 && Number.isFinite(value)) return value;
  // NaN is a TypeError, as in checkDuration; a negative or infinite number is out of range.
  const err = typeof value === "number" && !Number.isNaN(value) ? RangeError : TypeError;
  throw new err(
    `Expected \`autojump\` to be a boolean or a number of seconds >= 0, got ${describe(value)}`,
  );
}
