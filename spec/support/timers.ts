/**
 * Counts the timers that code inside the test sandbox has pending.
 *
 * Why not `process.getActiveResourcesInfo()`: it also sees the timers of jest itself (its
 * default reporter arms a 100 ms timer every second while a run is in progress, in this
 * same process when jest runs one file in band), so a leak check on it fails whichever
 * test happens to be running at that moment. Instead, the sandbox's global `setTimeout`,
 * `setInterval` and `setImmediate` (which lib/ and the specs call) are wrapped once, and
 * every handle is tracked until it fires or is cleared. Only ref'ed handles count, as for
 * the event loop.
 */

type Kind = "Timeout" | "Immediate";

const KEY = Symbol.for("giambio.spec.timerTracker");

interface Tracker {
  live: Map<object, Kind>;
}

function install(): Tracker {
  const tracker: Tracker = { live: new Map() };
  const g = globalThis as unknown as Record<string, (...args: unknown[]) => unknown>;
  const realSetTimeout = g.setTimeout as typeof setTimeout;
  const realSetInterval = g.setInterval as typeof setInterval;
  const realSetImmediate = g.setImmediate as typeof setImmediate;
  const realClearTimeout = g.clearTimeout as typeof clearTimeout;
  const realClearInterval = g.clearInterval as typeof clearInterval;
  const realClearImmediate = g.clearImmediate as typeof clearImmediate;

  const wrapOnce = <A extends unknown[]>(
    make: (cb: (...args: A) => void, ...rest: unknown[]) => object,
    kind: Kind,
  ) =>
    function (this: unknown, cb: (...args: A) => void, ...rest: unknown[]): object {
      if (typeof cb !== "function") return make(cb, ...rest);
      let handle: object | undefined = undefined;
      handle = make(
        function (this: unknown, ...args: A) {
          if (handle !== undefined) tracker.live.delete(handle);
          return cb.apply(this, args);
        },
        ...rest,
      );
      tracker.live.set(handle, kind);
      return handle;
    };

  const newSetTimeout = wrapOnce(realSetTimeout as never, "Timeout");
  const newSetImmediate = wrapOnce(realSetImmediate as never, "Immediate");
  const newSetInterval = function (this: unknown, cb: () => void, ...rest: unknown[]): object {
    const handle = (realSetInterval as (...a: unknown[]) => object)(cb, ...rest);
    tracker.live.set(handle, "Timeout");
    return handle;
  };
  const clear =
    (real: (h: never) => void) =>
    (handle: unknown): void => {
      if (typeof handle === "object" && handle !== null) tracker.live.delete(handle);
      real(handle as never);
    };
  // Keep util.promisify(setTimeout) and friends working.
  for (const [wrapped, real] of [
    [newSetTimeout, realSetTimeout],
    [newSetImmediate, realSetImmediate],
    [newSetInterval, realSetInterval],
  ] as const) {
    for (const key of Reflect.ownKeys(real)) {
      if (key === "length" || key === "name" || key === "prototype") continue;
      const d = Reflect.getOwnPropertyDescriptor(real, key);
      if (d !== undefined) Reflect.defineProperty(wrapped, key, d);
    }
  }
  g.setTimeout = newSetTimeout as never;
  g.setImmediate = newSetImmediate as never;
  g.setInterval = newSetInterval as never;
  g.clearTimeout = clear(realClearTimeout);
  g.clearInterval = clear(realClearInterval);
  g.clearImmediate = clear(realClearImmediate);
  return tracker;
}

function tracker(): Tracker {
  const holder = globalThis as { [KEY]?: Tracker };
  return (holder[KEY] ??= install());
}

/** Installs the tracker (idempotent). */
export function trackTimers(): void {
  tracker();
}

/** How many tracked timers and immediates are pending and ref'ed, by kind. */
export function pendingTimers(): Record<Kind, number> {
  const counts: Record<Kind, number> = { Timeout: 0, Immediate: 0 };
  for (const [handle, kind] of tracker().live) {
    const h = handle as { hasRef?: () => boolean; _destroyed?: boolean };
    if (h._destroyed === true) {
      tracker().live.delete(handle);
      continue;
    }
    if (typeof h.hasRef === "function" && !h.hasRef()) continue;
    counts[kind] += 1;
  }
  return counts;
}
