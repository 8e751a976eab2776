import * as giambio from "giambio";
import { withVirtualTime } from "giambio/testing";

const { MultiError, BrokenResourceError, splitErrors } = giambio;

describe("splitErrors", () => {
  it("splits a plain error by class: all one way or all the other", () => {
    const broken = new BrokenResourceError("reset");
    expect(splitErrors(broken, BrokenResourceError)).toEqual([broken, undefined]);
    const bug = new TypeError("bug");
    const [matched, rest] = splitErrors(bug, BrokenResourceError);
    expect(matched).toBeUndefined();
    expect(rest).toBe(bug);
  });

  it("splits a MultiError into two groups, each keeping its members in order", () => {
    const a = new BrokenResourceError("a");
    const b = new TypeError("b");
    const c = new BrokenResourceError("c");
    const d = new RangeError("d");
    const [matched, rest] = splitErrors(new MultiError([a, b, c, d]), BrokenResourceError);
    expect(matched).toBeInstanceOf(MultiError);
    expect((matched as giambio.MultiError).errors).toEqual([a, c]);
    expect((rest as giambio.MultiError).errors).toEqual([b, d]);
  });

  it("searches nested groups at any depth and keeps their nesting", () => {
    const a = new BrokenResourceError("a");
    const b = new TypeError("b");
    const c = new BrokenResourceError("c");
    const d = new RangeError("d");
    const e = new TypeError("e");
    const inner = new MultiError([c, d, e]);
    const [matched, rest] = splitErrors(new MultiError([a, b, inner]), BrokenResourceError);
    // matched: [a, [c]] -> the inner group left with one member becomes that member.
    expect((matched as giambio.MultiError).errors).toEqual([a, c]);
    // rest: [b, [d, e]] keeps the inner group as a group.
    const restGroup = rest as giambio.MultiError;
    expect(restGroup.errors[0]).toBe(b);
    expect(restGroup.errors[1]).toBeInstanceOf(MultiError);
    expect((restGroup.errors[1] as giambio.MultiError).errors).toEqual([d, e]);
  });

  it("gives back a group whose members all went one way as the same object", () => {
    const group = new MultiError([
      new BrokenResourceError("a"),
      new MultiError([new BrokenResourceError("b"), new BrokenResourceError("c")]),
    ]);
    expect(splitErrors(group, BrokenResourceError)).toEqual([group, undefined]);
    const [none, same] = splitErrors(group, TypeError);
    expect(none).toBeUndefined();
    expect(same).toBe(group);
  });

  it("becomes the member itself when a side is left with one, at any depth", () => {
    const only = new TypeError("only");
    const [, rest] = splitErrors(
      new MultiError([
        new BrokenResourceError("x"),
        new MultiError([only, new BrokenResourceError("y")]),
      ]),
      BrokenResourceError,
    );
    expect(rest).toBe(only);
  });

  it("takes a predicate (or a type guard) instead of a class", () => {
    const timeout = Object.assign(new Error("timed out"), { code: "ETIMEDOUT" });
    const other = new Error("other");
    const isTimeout = (e: unknown): e is Error & { code: string } =>
      e instanceof Error && (e as { code?: unknown }).code === "ETIMEDOUT";
    const [matched, rest] = splitErrors(new MultiError([timeout, other]), isTimeout);
    expect(matched).toBe(timeout);
    expect(rest).toBe(other);
    // Non-errors are tested too.
    expect(splitErrors("a string", (e) => typeof e === "string")).toEqual(["a string", undefined]);
  });

  it("treats Error itself as a class that matches every error", () => {
    const group = new MultiError([new TypeError("t"), "not an error"]);
    const [matched, rest] = splitErrors(group, Error);
    expect((matched as Error).message).toBe("t");
    expect(rest).toBe("not an error");
  });

  it("keeps the stack of the group it was split from", () => {
    const group = new MultiError([new TypeError("t"), new RangeError("r"), new TypeError("u")]);
    const [matched] = splitErrors(group, TypeError);
    const frames = (e: unknown): string => (e as Error).stack!.split("\n").slice(1).join("\n");
    expect(frames(matched)).toBe(frames(group));
    expect((matched as Error).stack!.split("\n")[0]).toBe(
      "MultiError: 2 tasks failed: TypeError: t; TypeError: u",
    );
  });

  it(
    "lets a handler catch only BrokenResourceError out of a nursery and rethrow the rest",
    withVirtualTime(async () => {
      const bug = new TypeError("a bug");
      const caught = await giambio
        .withNursery(async (nursery) => {
          nursery.spawn(() => Promise.reject(new BrokenResourceError("peer went away")));
          nursery.spawn(() => Promise.reject(bug));
        })
        .catch((err: unknown) => {
          const [broken, rest] = splitErrors(err, BrokenResourceError);
          expect(broken).toBeInstanceOf(BrokenResourceError);
          return rest;
        });
      expect(caught).toBe(bug);
    }),
  );

  it("throws at the call when matcher is not a function", () => {
    expect(() => splitErrors(new Error(), "Error" as never)).toThrow(
      'Expected `matcher` to be a function, got `"Error"` (string)',
    );
  });
});
