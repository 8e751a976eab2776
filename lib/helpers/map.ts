/**
 * `map`: call a function for every item of an iterable, a bounded number at once; the
 * structured `p-map`.
 *
 * @module
 */
import {
  checkFunction,
  checkInteger,
  checkOptions,
  cancelPendingIn,
  checkpointIn,
  compound,
  currentFrame,
  describe,
  runNursery,
  type Frame,
  type Nursery,
} from "../core";
import { isCancelled, MultiError } from "../errors";

/** Options of {@link map}. */
export interface MapOptions {
  /**
   * At most this many calls of `fn` at once, and at most this many items taken from the
   * input and not yet finished: a positive integer, or `Infinity`.
   * @default Infinity
   */
  concurrency?: number;
}

/** The item type of an iterable or async iterable. */
export type ItemOf<I> =
  I extends AsyncIterable<infer T> ? T : I extends Iterable<infer T> ? T : never;

/**
 * Calls `fn(item, index)` for every item of `items` (an array, any iterable, or an async
 * iterable), at most `concurrency` calls at once, each as a task in a nursery of its own,
 * and resolves with the results in input order.
 *
 * Items are pulled lazily, one when a call slot is free, so mapping over a generator of a
 * million items holds at most `concurrency` of them at once. When a call fails, the calls
 * still running are cancelled and awaited, no further item is pulled, the input iterator
 * is closed (its `return()` is called, so a generator's `finally` runs), and the failure
 * is thrown as a nursery throws it.
 *
 * Cancellation: a checkpoint. Before each item is pulled, a worker checks for
 * cancellation (and yields to the other tasks every 16 items). When the caller is
 * cancelled, no further item is pulled, the running calls are cancelled and awaited, the
 * input is closed, and `map` throws `Cancelled`; results already computed are lost, items
 * not yet pulled stay in the iterator (which is closed).
 *
 * @param items - what to map over; an async iterable is pulled with one `next()` at a time
 * @param fn - called with each item and its index (from 0)
 * @param options - `concurrency` (default `Infinity`)
 * @returns the results, in the order of the items
 * @throws `TypeError`/`RangeError` at the call for an `items` that is not iterable, an `fn`
 *   that is not a function, or a `concurrency` that is not a positive integer or
 *   `Infinity`; the first failure of `fn` (or a `MultiError`), or of the iterator
 * @example
 * ```ts
 * await giambio.run(async () => {
 *   const sizes = await giambio.map(
 *     ["a.txt", "bb.txt", "ccc.txt"],
 *     async (name) => {
 *       await giambio.sleep(0.1); // fetch it, say
 *       return name.length;
 *     },
 *     { concurrency: 2 },
 *   );
 *   console.log(sizes);
 * });
 * ```
 *
 * ```text
 * [ 5, 6, 7 ]
 * ```
 */
export function map<I extends Iterable<unknown> | AsyncIterable<unknown>, R>(
  items: I,
  fn: (item: ItemOf<I>, index: number) => R | PromiseLike<R>,
  options?: MapOptions,
): Promise<Awaited<R>[]> {
  const isAsync = isAsyncIterable(items);
  if (!isAsync && !isIterable(items)) {
    throw new TypeError(
      `Expected \`items\` to be an iterable or an async iterable, got ${describe(items)}`,
    );
  }
  checkFunction(fn, "fn");
  checkOptions(options, "options");
  const concurrency = options?.concurrency ?? Infinity;
  checkInteger(concurrency, "options.concurrency", 1, Number.MAX_SAFE_INTEGER, true);
  const frame = currentFrame("map");
  const job: MapJob = {
    items,
    isAsync,
    fn: fn as (item: unknown, index: number) => unknown,
    concurrency,
    iterator: null,
    pulling: null,
    next: 0,
    done: false,
    workers: 0,
    results: [],
    nursery: null,
  };
  return compound("map", frame, mapBody, job, undefined) as Promise<Awaited<R>[]>;
}

/** One `map` call: its input, how far it got, and its results. */
interface MapJob {
  items: Iterable<unknown> | AsyncIterable<unknown>;
  isAsync: boolean;
  fn: (item: unknown, index: number) => unknown;
  concurrency: number;
  iterator: Iterator<unknown> | AsyncIterator<unknown> | null;
  /** The async iterator's `next()` in progress: pulls are made one at a time. */
  pulling: Promise<unknown> | null;
  /** The index of the next item. */
  next: number;
  /** The input is exhausted (or failed): no more pulls. */
  done: boolean;
  workers: number;
  results: unknown[];
  nursery: Nursery | null;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return (
    value !== null &&
    value !== undefined &&
    typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === "function"
  );
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    value !== null &&
    value !== undefined &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === "function"
  );
}

// Why workers and not a task per item: a worker takes an item, calls `fn`, and goes back
// for the next, so `concurrency` bounds both the calls and the items held, with no
// semaphore. Workers are spawned as items turn up (a worker that got an item starts the
// next worker while there is room), so `map` of three items at `concurrency: 1000` makes
// three tasks, and at `Infinity` one per item in flight.
async function mapBody(frame: Frame, job: MapJob): Promise<unknown[]> {
  job.iterator = job.isAsync
    ? (job.items as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (job.items as Iterable<unknown>)[Symbol.iterator]();
  try {
    await runNursery(frame, (nursery) => {
      job.nursery = nursery;
      job.workers = 1;
      nursery.spawn(mapWorker, job);
    });
  } catch (err) {
    await closeInput(job, err);
    throw err;
  }
  return job.results;
}

/**
 * How many items a worker takes between two checkpoints while it is not cancelled. A
 * cancellation is seen before the very next item either way (`cancelPendingIn`); the
 * checkpoint is for fairness, and each costs a promise, which Node 20's promise hooks
 * make dear.
 */
const ITEMS_PER_CHECKPOINT = 16;

async function mapWorker(job: MapJob): Promise<void> {
  const frame = currentFrame("map");
  for (let taken = 0; ; taken++) {
    if (taken % ITEMS_PER_CHECKPOINT === 0 || cancelPendingIn(frame)) await checkpointIn(frame);
    if (job.done) return;
    // A sync iterator is read in place: no promise per item for the pull.
    const step = job.isAsync ? await pullAsync(job) : pullSync(job);
    if (step.done === true) {
      job.done = true;
      return;
    }
    const index = job.next++;
    if (job.workers < job.concurrency) {
      job.workers++;
      job.nursery!.spawn(mapWorker, job);
    }
    job.results[index] = await job.fn(step.value, index);
  }
}

function pullSync(job: MapJob): IteratorResult<unknown> {
  try {
    return (job.iterator as Iterator<unknown>).next();
  } catch (err) {
    job.done = true; // a failed iterator is finished: it is not closed
    throw err;
  }
}

async function pullAsync(job: MapJob): Promise<IteratorResult<unknown>> {
  // Async iterators get one `next()` at a time: a worker waits for another's pull first.
  while (job.pulling !== null) await job.pulling.catch(() => {});
  if (job.done) return { done: true, value: undefined };
  const pulling = (job.iterator as AsyncIterator<unknown>).next();
  job.pulling = pulling;
  try {
    return await pulling;
  } catch (err) {
    job.done = true; // a failed iterator is finished
    throw err;
  } finally {
    job.pulling = null;
  }
}

/** After a failure or a cancellation, closes the input so a generator's `finally` runs. */
async function closeInput(job: MapJob, failure: unknown): Promise<void> {
  if (job.done || job.iterator === null) return;
  job.done = true;
  const iterator = job.iterator as { return?: unknown };
  if (typeof iterator.return !== "function") return;
  try {
    await (iterator as { return: () => unknown }).return();
  } catch (err) {
    // As a `finally` that throws: the iterator's error replaces a cancellation, and joins
    // any other failure, so neither is lost.
    if (isCancelled(failure)) throw err;
    throw new MultiError([failure, err]);
  }
}
