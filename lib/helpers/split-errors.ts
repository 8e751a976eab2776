/**
 * `splitErrors`: take the errors of one kind out of whatever a nursery threw, like
 * Python's `except*`.
 *
 * @module
 */
import { checkFunction } from "../core";
import { MultiError } from "../errors";

/** A class of errors (matched with `instanceof`) or a predicate (a type guard, or any test). */
export type ErrorMatcher<E> =
  | (abstract new (...args: never[]) => E)
  | ((error: unknown) => error is E)
  | ((error: unknown) => boolean);

/**
 * Splits a caught error into the part that matches and the rest: returns `[matched, rest]`,
 * each `undefined` (nothing), the one error, or a `MultiError`. A `MultiError` is searched
 * at any depth; a nested group keeps its nesting, and a group left with one member (at any
 * depth) becomes that member. A group whose members all went one way is returned as it
 * was, the same object. It is how a handler catches only one kind of error out of whatever
 * a nursery threw and lets the rest propagate:
 *
 * ```ts
 * try {
 *   await giambio.withNursery(async (nursery) => {
 *     for (const url of urls) nursery.spawn(download, url);
 *   });
 * } catch (err) {
 *   const [broken, rest] = giambio.splitErrors(err, giambio.BrokenResourceError);
 *   if (rest !== undefined) throw rest;
 *   if (broken !== undefined) console.log("a peer went away");
 * }
 * ```
 *
 * `matcher` is a class when it is `Error` or a subclass of `Error` (tested with
 * `instanceof`); any other function is a predicate, called with each error that is not a
 * group. Cancellations are errors like any other here: keep `Cancelled` in the rest (a
 * predicate that matches it would swallow a cancellation).
 *
 * @param error - what was caught: a plain error, a `MultiError`, or any thrown value
 * @param matcher - an error class, or a predicate
 * @returns `[matched, rest]`
 * @throws `TypeError` at the call when `matcher` is not a function
 * @example
 * ```ts program
 * const caught = new giambio.MultiError([
 *   new giambio.BrokenResourceError("peer reset"),
 *   new giambio.MultiError([new TypeError("bug"), new giambio.BrokenResourceError("gone")]),
 * ]);
 * const [broken, rest] = giambio.splitErrors(caught, giambio.BrokenResourceError);
 * console.log(String(broken));
 * console.log(String(rest)); // the TypeError alone: its group was left with one member
 * ```
 *
 * ```text
 * MultiError: 2 tasks failed: BrokenResourceError: peer reset; BrokenResourceError: gone
 * TypeError: bug
 * ```
 */
export function splitErrors<E>(
  error: unknown,
  matcher: ErrorMatcher<E>,
): [matched: E | MultiError | undefined, rest: unknown] {
  checkFunction(matcher, "matcher");
  const test = toTest(matcher as (...args: never[]) => unknown);
  return split(error, test) as [E | MultiError | undefined, unknown];
}

function toTest(matcher: (...args: never[]) => unknown): (error: unknown) => boolean {
  const proto: unknown = matcher.prototype;
  if (matcher === (Error as unknown) || proto instanceof Error) {
    return (error) => error instanceof (matcher as unknown as abstract new () => unknown);
  }
  return (error) => Boolean((matcher as (error: unknown) => unknown)(error));
}

function split(error: unknown, test: (error: unknown) => boolean): [unknown, unknown] {
  if (!(error instanceof MultiError)) return test(error) ? [error, undefined] : [undefined, error];
  const matched: unknown[] = [];
  const rest: unknown[] = [];
  let whole = true; // every member went one way unchanged
  for (const member of error.errors) {
    const [m, r] = split(member, test);
    if (m !== undefined) matched.push(m);
    if (r !== undefined) rest.push(r);
    if (m !== member && r !== member) whole = false;
  }
  if (whole && rest.length === 0) return [error, undefined];
  if (whole && matched.length === 0) return [undefined, error];
  return [group(matched, error), group(rest, error)];
}

function group(members: unknown[], from: MultiError): unknown {
  if (members.length === 0) return undefined;
  if (members.length === 1) return members[0];
  const derived = new MultiError(members);
  // The new group is the old one with fewer members: keep where it was thrown.
  const frames = from.stack?.indexOf("\n") ?? -1;
  if (frames >= 0)
    derived.stack = `${derived.name}: ${derived.message}${from.stack!.slice(frames)}`;
  return derived;
}
