/**
 * What `hold()` returns: a handle that releases a lock, a semaphore or a limiter when
 * disposed (`await using _ = await lock.hold()`), exactly once.
 *
 * @module
 */

/**
 * A held lock, semaphore token or limiter token; disposing it releases it.
 *
 * @example
 * ```ts
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
