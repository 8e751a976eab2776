/**
 * Where a run gets its time from. The default is the host's monotonic clock; `MockClock`
 * (in `giambio/testing`) is a virtual one. Time is in seconds, as floats.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */

/**
 * A clock a run can keep time with (`runWith({ clock })`): the host's monotonic clock (the
 * default) or a `MockClock` from `giambio/testing`. Its other members are giambio's own,
 * so use one of those two rather than an object of your own.
 */
export interface RunClock {
  /** Current time in seconds. */
  now(): number;
  /** True when time only moves when told to (the runner then arms no host timer). */
  readonly virtual: boolean;
  /** @internal Called when a run starts using this clock. */
  _attach(listener: ClockListener): void;
  /** @internal Called when that run ends. */
  _detach(listener: ClockListener): void;
  /** @internal Real seconds to wait, once every task is blocked, before jumping; `false` for never. */
  readonly _autojump: number | false;
}

/** A run, as its clock sees it: told when virtual time has moved. */
export interface ClockListener {
  /** @internal */
  clockMoved(): void;
}

/** The host's monotonic clock (`performance.now()`), in seconds. */
export const systemClock: RunClock = {
  now: () => performance.now() / 1000,
  virtual: false,
  _attach() {},
  _detach() {},
  _autojump: false,
};
