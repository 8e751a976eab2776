/**
 * A property-based proof of the core: random programs of tasks that sleep, spawn, fail,
 * cancel, join and open scopes with deadlines and shields, each run on a MockClock and
 * checked against the reference model in spec/support/model.ts and a set of invariants:
 *
 * - the run settles;
 * - no task outlives its nursery, nor its parent task;
 * - every error thrown and not caught reaches the root exactly once, in the shape the
 *   model predicts (the error itself, or a MultiError in the order the failures happened);
 * - virtual time at the end equals what the program's sleeps and deadlines imply;
 * - no host timer, cancel-scope link or parked waiter is left behind.
 *
 * Seeded: set GIAMBIO_FC_SEED to replay a failure (fast-check prints the seed and the
 * shrunk program); GIAMBIO_FC_RUNS changes the number of cases (default 2,000).
 */
import fc from "fast-check";
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";
import { Ambiguous, EPSILON, expected, type ErrTree, type Step } from "../support/model";
import { pendingTimers } from "../support/timers";

const RUNS = Number(process.env.GIAMBIO_FC_RUNS ?? 2000);
const SEED = Number(process.env.GIAMBIO_FC_SEED ?? 20261202);

class Boom extends Error {
  constructor(readonly id: number) {
    super(`boom${id}`);
    this.name = "Boom";
  }
}

// ---------------------------------------------------------------------------------------
// Programs

const duration = fc.integer({ min: 1, max: 4000 }).map((n) => n / 1000);

const program: fc.Arbitrary<Step[]> = fc
  .letrec<{ seq: Step[]; step: Step }>((tie) => ({
    seq: fc.array(tie("step"), { minLength: 0, maxLength: 4 }),
    step: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { arbitrary: duration.map((d): Step => ({ k: "sleep", d })), weight: 5 },
      { arbitrary: fc.constant<Step>({ k: "fail", id: 0 }), weight: 2 },
      {
        arbitrary: fc
          .record({
            body: tie("seq"),
            cancelAfter: fc.option(duration, { freq: 4 }),
            join: fc.boolean(),
          })
          .map((r): Step => ({ k: "spawn", id: 0, ...r })),
        weight: 3,
      },
      { arbitrary: tie("seq").map((body): Step => ({ k: "nursery", body })), weight: 1 },
      {
        arbitrary: fc
          .record({ d: fc.option(duration, { freq: 4 }), shield: fc.boolean(), body: tie("seq") })
          .map((r): Step => ({ k: "scope", ...r })),
        weight: 2,
      },
      {
        arbitrary: fc
          .record({ body: tie("seq"), cleanup: duration })
          .map((r): Step => ({ k: "finally", ...r })),
        weight: 1,
      },
      { arbitrary: tie("seq").map((body): Step => ({ k: "catch", body })), weight: 1 },
    ),
  }))
  .seq.map(numbered);

/** Gives every fail and spawn step a unique id (a fresh copy: shrinking reuses values). */
function numbered(steps: Step[]): Step[] {
  let next = 1;
  const walk = (list: Step[]): Step[] =>
    list.map((s): Step => {
      switch (s.k) {
        case "fail":
          return { k: "fail", id: next++ };
        case "spawn":
          return { ...s, id: next++, body: walk(s.body) };
        case "nursery":
        case "scope":
        case "finally":
        case "catch":
          return { ...s, body: walk(s.body) };
        default:
          return s;
      }
    });
  return walk(steps);
}

// ---------------------------------------------------------------------------------------
// Running a program with giambio

interface Probe {
  scopes: giambio.CancelScope[];
  nurseryLeaks: string[];
  parent: Map<giambio.Task, giambio.Task | null>;
  outlived: string[];
}

function named<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

async function exec(steps: readonly Step[], probe: Probe): Promise<void> {
  for (const s of steps) {
    switch (s.k) {
      case "sleep":
        await giambio.sleep(s.d);
        break;
      case "fail":
        await giambio.sleep(EPSILON * s.id);
        throw new Boom(s.id);
      case "spawn": {
        const child = giambio.spawn(named(`t${s.id}`, () => exec(s.body, probe)));
        if (s.cancelAfter !== null) {
          const d = s.cancelAfter;
          giambio.spawn(
            named(`h${s.id}`, async () => {
              await giambio.sleep(d);
              child.cancel();
            }),
          );
        }
        if (s.join) {
          try {
            await child.join();
          } catch (err) {
            await giambio.sleep(EPSILON * s.id);
            throw err;
          }
        }
        break;
      }
      case "nursery": {
        let seen: giambio.Nursery | undefined;
        try {
          await giambio.withNursery(async (nursery) => {
            seen = nursery;
            probe.scopes.push(nursery.cancelScope);
            await exec(s.body, probe);
          });
        } finally {
          if (seen !== undefined && seen.children.length > 0) {
            probe.nurseryLeaks.push(seen.children.map((t) => t.name).join(","));
          }
        }
        break;
      }
      case "scope": {
        const body = async (scope: giambio.CancelScope): Promise<void> => {
          probe.scopes.push(scope);
          await exec(s.body, probe);
        };
        if (s.shield) {
          const deadline = s.d === null ? Infinity : giambio.clock() + s.d;
          await giambio.withCancelScope(body, { deadline, shield: true });
        } else if (s.d === null) {
          await giambio.withCancelScope(body);
        } else {
          await giambio.moveOnAfter(s.d, body);
        }
        break;
      }
      case "finally":
        try {
          await exec(s.body, probe);
        } finally {
          const d = s.cleanup;
          await giambio.withCancelScope(() => giambio.sleep(d), { shield: true });
        }
        break;
      case "catch":
        try {
          await exec(s.body, probe);
        } catch (err) {
          if (giambio.isCancelled(err)) throw err;
        }
        break;
    }
  }
}

/** The error a run rejected with, as an ErrTree; also checks each object appears once. */
function shape(err: unknown, seen: Set<unknown>): ErrTree {
  if (seen.has(err)) throw new Error("an error object reached the root twice");
  seen.add(err);
  if (err instanceof giambio.MultiError) return err.errors.map((e) => shape(e, seen));
  if (err instanceof Boom) return `boom${err.id}`;
  if (err instanceof giambio.TaskCancelledError) return `cancelled:${err.taskName}`;
  throw err; // anything else is a bug: let it fail the property with its own message
}

function hostTimers(): number {
  const { Timeout, Immediate } = pendingTimers();
  return Timeout + Immediate;
}

async function check(steps: Step[]): Promise<void> {
  let want: { end: number; error: ErrTree | null };
  try {
    want = expected(steps);
  } catch (err) {
    if (err instanceof Ambiguous) {
      fc.pre(false);
      return;
    }
    throw err;
  }
  const probe: Probe = { scopes: [], nurseryLeaks: [], parent: new Map(), outlived: [] };
  const clock = new MockClock({ autojump: true });
  const before = hostTimers();
  const instrument: giambio.Instrument = {
    taskSpawned(task) {
      let spawner: giambio.Task | null = null;
      try {
        spawner = giambio.currentTask();
      } catch {
        spawner = null; // the root task, spawned by run()
      }
      probe.parent.set(task, spawner === task ? null : spawner);
    },
    taskExited(task) {
      for (const [child, parent] of probe.parent) {
        if (parent === task && !child.done)
          probe.outlived.push(`${child.name} outlived ${task.name}`);
      }
    },
  };
  let error: unknown = null;
  let settled = false;
  let guard: NodeJS.Timeout | undefined;
  const run = giambio
    .runWith({ clock, handleSignals: false, instruments: [instrument] }, () => exec(steps, probe))
    .then(
      () => (settled = true),
      (err: unknown) => {
        settled = true;
        error = err;
      },
    );
  await Promise.race([run, new Promise((resolve) => (guard = setTimeout(resolve, 5000)))]);
  clearTimeout(guard);
  // Let the run's last immediates (an idle check armed just before the end) drain.
  await new Promise((resolve) => setImmediate(resolve));
  expect(settled).toBe(true);
  expect(clock.now()).toBe(want.end);
  expect(error === null ? null : shape(error, new Set())).toEqual(want.error);
  expect(probe.nurseryLeaks).toEqual([]);
  expect(probe.outlived).toEqual([]);
  expect([...probe.parent.keys()].filter((t) => !t.done).map((t) => t.name)).toEqual([]);
  for (const scope of probe.scopes) {
    const s = scope as unknown as {
      _closed: boolean;
      _children: { size: number } | null;
      _waits: { size: number } | null;
      _timer: unknown;
    };
    expect(s._closed).toBe(true);
    expect(s._children?.size ?? 0).toBe(0);
    expect(s._waits?.size ?? 0).toBe(0);
    expect(s._timer).toBeNull();
  }
  expect(hostTimers()).toBe(before);
}

describe("the core, on random programs", () => {
  it(`matches the model and keeps every invariant (${RUNS} cases, seed ${SEED})`, async () => {
    await fc.assert(fc.asyncProperty(program, check), {
      numRuns: RUNS,
      seed: SEED,
      maxSkipsPerRun: 1000,
    });
  }, 120_000);
});
