/**
 * `retry`: call a function again after a failure, with backoff on the run's clock; the
 * structured `p-retry`.
 *
 * @module
 */
import {
  checkDuration,
  checkFiniteNumber,
  checkFunction,
  checkInteger,
  checkOptions,
  checkpointIn,
  compound,
  currentFrame,
  type Frame,
} from "../core";
import { isCancelled } from "../errors";
import { sleep } from "../sleep";

/** Options of {@link retry}. Times are in seconds, on the run's clock. */
export interface RetryOptions {
  /**
   * How many attempts in all (the first call included): an integer >= 1, or `Infinity`.
   * @default 3
   */
  attempts?: number;
  /**
   * Seconds to sleep before the second attempt.
   * @default 0.1
   */
  delay?: number;
  /**
   * Each later sleep is the one before times `factor` (>= 1).
   * @default 2
   */
  factor?: number;
  /**
   * No sleep is longer than this (before jitter).
   * @default Infinity
   */
  maxDelay?: number;
  /**
   * Each sleep is moved by a random amount within ±`jitter` seconds (never below 0).
   * @default 0
   */
  jitter?: number;
  /**
   * Decides whether a failure is retried (`Cancelled` never is). Called with the error and
   * the number of the attempt that failed.
   * @default every error is retried
   */
  retryIf?: (error: unknown, attempt: number) => boolean;
}

interface RetryPlan {
  attempts: number;
  delay: number;
  factor: number;
  maxDelay: number;
  jitter: number;
  retryIf: ((error: unknown, attempt: number) => boolean) | undefined;
}

/**
 * Calls `fn(attempt)` (attempts numbered from 1) until it returns, at most `attempts` times,
 * and resolves with what it returned. Between attempts it sleeps on the run's clock:
 * `delay` seconds before the second attempt, multiplied by `factor` for each one after,
 * capped at `maxDelay`, then moved by a random amount within ±`jitter`. Under a `MockClock`
 * the sleeps are virtual, so a test of an hour of backoff takes milliseconds.
 *
 * `retryIf(error, attempt)` decides which failures are retried; `Cancelled` never is. When
 * the attempts run out, or `retryIf` says no, the last error is thrown as it is.
 *
 * Cancellation: a checkpoint before the first attempt (in a cancelled scope `fn` never
 * runs), and every sleep between attempts is one. A cancelled `retry` throws `Cancelled`
 * and makes no further attempt.
 *
 * @param fn - the operation to try; called with the attempt number
 * @param options - `attempts` (default 3), `delay` (0.1), `factor` (2), `maxDelay`
 *   (`Infinity`), `jitter` (0), `retryIf`
 * @returns what `fn` returned
 * @throws `TypeError`/`RangeError` at the call for a bad option (`attempts` < 1, a negative
 *   or non-finite `delay`, a `factor` < 1, ...); the last error of `fn`; `Cancelled`
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const answer = await giambio.retry(
 *     async (attempt) => {
 *       console.log(`attempt ${attempt} at ${giambio.clock()} s`);
 *       if (attempt < 3) throw new Error("flaky");
 *       return 42;
 *     },
 *     { attempts: 5, delay: 1, factor: 2 },
 *   );
 *   console.log(answer);
 * });
 * ```
 *
 * ```text
 * attempt 1 at 0 s
 * attempt 2 at 1 s
 * attempt 3 at 3 s
 * 42
 * ```
 */
export function retry<T>(
  fn: (attempt: number) => T | PromiseLike<T>,
  options?: RetryOptions,
): Promise<Awaited<T>> {
  checkFunction(fn, "fn");
  const plan = checkRetryOptions(options);
  const frame = currentFrame("retry");
  return compound("retry", frame, retryBody, fn, plan) as Promise<Awaited<T>>;
}

function checkRetryOptions(options: RetryOptions | undefined): RetryPlan {
  checkOptions(options, "options");
  const plan: RetryPlan = {
    attempts: options?.attempts ?? 3,
    delay: options?.delay ?? 0.1,
    factor: options?.factor ?? 2,
    maxDelay: options?.maxDelay ?? Infinity,
    jitter: options?.jitter ?? 0,
    retryIf: options?.retryIf,
  };
  checkInteger(plan.attempts, "options.attempts", 1, Number.MAX_SAFE_INTEGER, true);
  checkFiniteNumber(plan.delay, "options.delay");
  checkFiniteNumber(plan.factor, "options.factor", 1);
  checkDuration(plan.maxDelay, "options.maxDelay");
  checkFiniteNumber(plan.jitter, "options.jitter");
  if (plan.retryIf !== undefined) checkFunction(plan.retryIf, "options.retryIf");
  return plan;
}

/**
 * The sleep after attempt `attempt` failed: `delay`·`factor`^(attempt−1), capped at
 * `maxDelay`, moved within ±`jitter`, never below 0.
 */
function backoff(plan: RetryPlan, attempt: number, random: () => number): number {
  const base = Math.min(plan.delay * plan.factor ** (attempt - 1), plan.maxDelay);
  const moved = plan.jitter === 0 ? base : base + (random() * 2 - 1) * plan.jitter;
  return Math.max(0, moved);
}

async function retryBody(
  frame: Frame,
  fn: (attempt: number) => unknown,
  plan: RetryPlan,
): Promise<unknown> {
  await checkpointIn(frame);
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (isCancelled(err) || attempt >= plan.attempts) throw err;
      if (plan.retryIf !== undefined && !plan.retryIf(err, attempt)) throw err;
      await sleep(backoff(plan, attempt, Math.random));
    }
  }
}
