/**
 * The messages between a run's worker pool and its worker threads, and how an error
 * crosses between them. The worker's side of the same protocol is written out in
 * bootstrap.ts, which cannot import this file (it runs as a source string): keep the two
 * in step.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */

/** The parent asks a worker to call `name` of `module` (a URL) with `args`. */
export interface CallMessage {
  readonly kind: "call";
  readonly id: number;
  readonly module: string;
  readonly name: string;
  readonly args: readonly unknown[];
}

/**
 * The parent's caller was cancelled: the worker aborts the call's `workerSignal()`. (The
 * shared flag that `checkCancelled()` reads was set before this was sent.)
 */
export interface CancelMessage {
  readonly kind: "cancel";
  readonly id: number;
}

/** The worker's answer: the call returned `value`, or threw `error`. */
export type ReplyMessage =
  | { readonly kind: "done"; readonly id: number; readonly value: unknown }
  | { readonly kind: "failed"; readonly id: number; readonly error: ThrownInWorker };

/**
 * What the worker threw, made cloneable: an error as its parts (structured clone would
 * keep the `name` of built-in errors only, and drop every other property), anything else
 * as itself (or its text, when it cannot be cloned either).
 */
export type ThrownInWorker =
  | {
      readonly isError: true;
      readonly name: string;
      readonly message: string;
      readonly stack: string | undefined;
      /** The error's own enumerable properties that could be cloned (`code`, ...). */
      readonly props: Record<string, unknown>;
      /** It is the worker's `Cancelled`, thrown by `checkCancelled()`. */
      readonly cancelled: boolean;
    }
  | { readonly isError: false; readonly value: unknown };

/** The built-in error classes, so that a `TypeError` thrown in a worker is one here too. */
const BUILT_IN: Record<string, new (message: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Rebuilds in the caller what the worker threw: an error with the same `name`, `message`,
 * the worker's `stack` and the properties that could be cloned.
 */
export function rebuildError(thrown: ThrownInWorker): unknown {
  if (!thrown.isError) return thrown.value;
  const Class = Object.hasOwn(BUILT_IN, thrown.name) ? BUILT_IN[thrown.name] : undefined;
  const err = new (Class ?? Error)(thrown.message);
  if (err.name !== thrown.name) {
    Object.defineProperty(err, "name", {
      value: thrown.name,
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }
  for (const [key, value] of Object.entries(thrown.props)) {
    if (key !== "name" && key !== "message" && key !== "stack") {
      (err as unknown as Record<string, unknown>)[key] = value;
    }
  }
  if (thrown.stack !== undefined) {
    Object.defineProperty(err, "stack", {
      value: thrown.stack,
      configurable: true,
      writable: true,
      enumerable: false,
    });
  }
  return err;
}
