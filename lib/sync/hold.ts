/**
 * What `hold()` returns: a handle that releases a lock, a semaphore or a limiter when
 * disposed (`await using _ = await lock.hold()`), exactly once.
 *
 * @module
 */

/**
 * A held lock, semaphore token or limiter token; disposing it releases it, once. Let the
 * handle do the releasing: a `Lock` or `CapacityLimiter` handle does nothing if you already
 * released by hand, but a `Semaphore` cannot tell whose permit it is, so releasing it by hand
 * as well gives a permit back twice.
 *
 * @example
 * ```ts
 * const lock = new giambio.Lock();
 * {
 *   await using _ = await lock.hold();
 *   // ... the lock is held here ...
 * } // released
 * ```
 */
export interface Held extends AsyncDisposable, Disposable {
  /** Releases now (idempotent); what disposal does. */
  release(): void;
}

/** @internal */
export function held(release: () => void): Held {
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    release();
  };
  return {
    release: once,
    [Symbol.dispose]: once,
    [Symbol.asyncDispose]: () => {
      once();
      return Promise.resolve();
    },
  };
}
