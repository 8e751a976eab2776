/**
 * What a failing nursery throws: its failures combined, each error object once.
 *
 * Why a combination step: an error can reach one nursery by two paths. A task that joins a
 * failed sibling and rethrows its error fails with the same object; a task whose nursery
 * failed carries the error inside a `MultiError`. SPEC §3 says an error object is reported
 * once per run, and a `MultiError` never holds the same error twice at any depth. So when
 * a nursery's failures are combined, every error already seen (at any depth, in the order
 * they happened) is left out of the groups that come later; a group left with one error is
 * replaced by that error, and an emptied group disappears.
 *
 * Imports nothing from the rest of the kernel.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import { MultiError } from "../errors";

/** The one error, or a `MultiError` of all, each error object once at any depth. */
/** @internal */
export function combineErrors(errors: readonly unknown[]): unknown {
  const seen = new Set<unknown>();
  const out = dedupe(errors, seen);
  return out.length === 1 ? out[0] : new MultiError(out);
}

function dedupe(errors: readonly unknown[], seen: Set<unknown>): unknown[] {
  const out: unknown[] = [];
  for (const err of errors) {
    if (seen.has(err)) continue;
    if (err instanceof MultiError) {
      const inner = dedupe(err.errors, seen);
      seen.add(err);
      if (inner.length === 0) continue;
      if (inner.length === 1) out.push(inner[0]);
      else out.push(sameItems(inner, err.errors) ? err : new MultiError(inner));
    } else {
      seen.add(err);
      out.push(err);
    }
  }
  return out;
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
