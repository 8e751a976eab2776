/**
 * A reference model of giambio's core semantics, for the property-based suite
 * (spec/core/properties.spec.ts): programs made of sleeps, failures, spawns, joins,
 * task cancellations, nurseries, cancel scopes with deadlines and shields, shielded
 * cleanup and catch blocks, and what the model says each program must do: when the run
 * ends on the virtual clock, and which errors reach the root, in what shape.
 *
 * The model computes outcomes in closed form rather than by simulating a scheduler, so it
 * shares no code and no algorithm with lib/. Cancellation travels as a *cancel time* `C`:
 * the earliest time at which some enclosing scope that this code can see is cancelled. A
 * nursery's cancel time depends on its first failure, which depends on its participants:
 * the model first runs them under the outer cancel time to find that failure, then again
 * with the failure's time (the participant that failed first is unaffected by a
 * cancellation it caused). Two unrelated events at the same instant would make the real
 * order a matter of scheduling; the model reports such programs as ambiguous, and the
 * suite skips them.
 */

export type Step =
  | { k: "sleep"; d: number }
  | { k: "fail"; id: number }
  | { k: "spawn"; id: number; body: Step[]; cancelAfter: number | null; join: boolean }
  | { k: "nursery"; body: Step[] }
  | { k: "scope"; d: number | null; shield: boolean; body: Step[] }
  | { k: "finally"; body: Step[]; cleanup: number }
  | { k: "catch"; body: Step[] };

/** An error as the root sees it: a leaf, or a MultiError of several, in order. */
export type ErrTree = string | ErrTree[];

/** How a piece of code ended. */
type Out = { k: "ok" } | { k: "err"; e: ErrTree } | { k: "cancel" };

interface Res {
  t: number;
  out: Out;
}

/** Thrown when two unrelated events fall on the same instant. */
export class Ambiguous extends Error {}

/**
 * Where `spawn()` puts children, in one pass over a nursery: the cancel time its children
 * run under, and the participants found so far (index 0 is the body, so children start at
 * 1). The participant at index `keep` caused the nursery's first failure and runs under the
 * outer cancel time `outerC` instead.
 */
interface Nest {
  C: number;
  outerC: number;
  keep: number | null;
  parts: Participant[];
}

interface Participant {
  end: number;
  /** A failure recorded in the nursery when the participant ended. */
  failure: ErrTree | null;
  /** A task whose own code ended cancelled (`join()` then throws TaskCancelledError). */
  cancelled: boolean;
}

function cmp(w: number, C: number): boolean {
  if (w === C) throw new Ambiguous(`two events at ${w}`);
  return w < C;
}

function errOf(errors: ErrTree[]): ErrTree {
  return errors.length === 1 ? (errors[0] as ErrTree) : errors;
}

/**
 * Failures happen a moment (`EPSILON` times the step's id) after the code decides to
 * fail: a failure never falls on the same instant as the zero-time events before it in
 * other tasks, which the model could not order. The programs the suite runs do the same.
 */
export const EPSILON = 1e-6;

function sleepFor(t: number, d: number, C: number): Res {
  if (t >= C) return { t, out: { k: "cancel" } };
  const w = t + d;
  if (cmp(w, C)) return { t: w, out: { k: "ok" } };
  return { t: C, out: { k: "cancel" } };
}

/** Runs a sequence from time `t` with cancel time `C`, spawning into `n`. */
function seq(steps: readonly Step[], t: number, C: number, n: Nest): Res {
  for (const s of steps) {
    switch (s.k) {
      case "sleep": {
        const r = sleepFor(t, s.d, C);
        if (r.out.k !== "ok") return r;
        t = r.t;
        break;
      }
      case "fail": {
        // Every failure waits a moment of its own first (see EPSILON).
        const r = sleepFor(t, EPSILON * s.id, C);
        if (r.out.k !== "ok") return r;
        return { t: r.t, out: { k: "err", e: `boom${s.id}` } };
      }
      case "spawn": {
        const index = n.parts.length + 1;
        const Cn = n.keep === index ? n.outerC : n.C;
        const tc = s.cancelAfter === null ? Infinity : t + s.cancelAfter;
        // A helper sleeps until tc, then cancels the child, unless the nursery is
        // cancelled first.
        const cancelledAt = tc !== Infinity && cmp(tc, n.C) ? tc : Infinity;
        const child = task(s.body, t, Math.min(Cn, cancelledAt));
        n.parts.push(child);
        if (s.cancelAfter !== null) {
          const end = t >= n.C ? t : cancelledAt !== Infinity ? tc : n.C;
          n.parts.push({ end, failure: null, cancelled: false });
        }
        if (s.join) {
          // Woken by the child's exit, which comes before the cancellation a failure of
          // the child causes; a cancellation of the child's own reaches the joiner first.
          const end = child.end;
          const done = end < C || (end === C && child.failure !== null);
          if (t >= C || !done) return { t: Math.max(t, C), out: { k: "cancel" } };
          t = end;
          const e = child.failure ?? (child.cancelled ? `cancelled:t${s.id}` : null);
          if (e !== null) {
            const r = sleepFor(t, EPSILON * s.id, C); // and rethrows after a moment
            if (r.out.k !== "ok") return r;
            return { t: r.t, out: { k: "err", e } };
          }
        }
        break;
      }
      case "nursery": {
        const r = nursery(s.body, t, C);
        t = r.t;
        if (r.out.k !== "ok") return r;
        break;
      }
      case "scope": {
        const D = s.d === null ? Infinity : t + s.d;
        const inner = s.shield ? D : Math.min(C, D);
        const r = seq(s.body, t, inner, n);
        t = r.t;
        if (r.out.k === "cancel") {
          // Absorbed if this scope's own deadline passed and no cancellation from outside
          // can be seen (shielded, or not yet).
          const own = D <= t;
          const outer = !s.shield && C <= t;
          if (own && !outer) break;
          return r;
        }
        if (r.out.k === "err") return r;
        break;
      }
      case "finally": {
        const r = seq(s.body, t, C, n);
        t = r.t + s.cleanup; // the cleanup sleeps under a shield
        if (r.out.k !== "ok") return { t, out: r.out };
        break;
      }
      case "catch": {
        const r = seq(s.body, t, C, n);
        t = r.t;
        if (r.out.k === "cancel") return r;
        break;
      }
    }
  }
  return { t, out: { k: "ok" } };
}

interface Group {
  body: Res;
  errors: ErrTree[];
  end: number;
}

/**
 * A nursery's participants (its body, run by `body`, and the children it spawns), whose
 * failures cancel each other; `C` is the cancel time from outside.
 */
function group(body: (C: number, n: Nest) => Res, C: number): Group {
  const pass = (Cn: number, keep: number | null) => {
    const n: Nest = { C: Cn, outerC: C, keep, parts: [] };
    const res = body(keep === 0 ? C : Cn, n);
    const failures: Array<{ at: number; e: ErrTree; who: number }> = [];
    if (res.out.k === "err") failures.push({ at: res.t, e: res.out.e, who: 0 });
    n.parts.forEach((p, i) => {
      if (p.failure !== null) failures.push({ at: p.end, e: p.failure, who: i + 1 });
    });
    // At one instant, a child's failure comes before its joiner rethrows it in the body.
    failures.sort((a, b) => a.at - b.at || (a.who === 0 ? 1 : 0) - (b.who === 0 ? 1 : 0));
    for (let i = 1; i < failures.length; i++) {
      const a = failures[i - 1] as { at: number; e: ErrTree };
      const b = failures[i] as { at: number; e: ErrTree };
      if (a.at === b.at && JSON.stringify(a.e) !== JSON.stringify(b.e)) {
        throw new Ambiguous("two failures at once");
      }
    }
    const end = Math.max(res.t, ...n.parts.map((p) => p.end));
    return { body: res, failures, end };
  };
  const first = pass(C, null);
  const f0 = first.failures[0];
  if (f0 === undefined || !(f0.at < C)) {
    return { body: first.body, end: first.end, errors: dedupe(first.failures.map((f) => f.e)) };
  }
  const second = pass(f0.at, f0.who);
  const again = second.failures[0];
  if (again === undefined || again.at !== f0.at || again.who !== f0.who) {
    throw new Ambiguous("the first failure moved");
  }
  return { body: second.body, end: second.end, errors: dedupe(second.failures.map((f) => f.e)) };
}

/** The same error object recorded twice (a child's, rethrown by its joiner) counts once. */
function dedupe(errors: ErrTree[]): ErrTree[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = JSON.stringify(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A task: its body runs in its implicit nursery, under the task's own cancel time `C`. */
function task(steps: readonly Step[], t: number, C: number): Participant {
  const g = group((Cn, n) => seq(steps, t, Cn, n), C);
  if (g.errors.length > 0) return { end: g.end, failure: errOf(g.errors), cancelled: false };
  return { end: g.end, failure: null, cancelled: g.body.out.k === "cancel" };
}

/** `withNursery`: a group whose outcome continues the enclosing code. */
function nursery(steps: readonly Step[], t: number, C: number): Res {
  const g = group((Cn, n) => seq(steps, t, Cn, n), C);
  if (g.errors.length > 0) return { t: g.end, out: { k: "err", e: errOf(g.errors) } };
  if (g.body.out.k === "cancel") return { t: g.end, out: { k: "cancel" } };
  if (C <= g.end) return { t: g.end, out: { k: "cancel" } }; // leaving is a checkpoint
  return { t: g.end, out: { k: "ok" } };
}

/** What the model expects of `run(program)`: when it ends, and the error it rejects with. */
export function expected(program: readonly Step[]): { end: number; error: ErrTree | null } {
  const r = task(program, 0, Infinity);
  return { end: r.end, error: r.failure };
}
