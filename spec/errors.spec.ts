import { inspect } from "node:util";
import * as giambio from "giambio";
import { withVirtualTime } from "giambio/testing";

describe("MultiError", () => {
  it("names each distinct failure once in its message, counting repeats", () => {
    const err = new giambio.MultiError([
      new Error("boom"),
      new TypeError("bad"),
      new Error("boom"),
      new Error("boom"),
    ]);
    expect(err.message).toBe("4 tasks failed: Error: boom (× 3); TypeError: bad");
  });

  it(
    "prints 50 identical failures as one, with one stack and a count",
    withVirtualTime(async () => {
      const caught = await giambio
        .withNursery(async (nursery) => {
          for (let i = 0; i < 50; i++) {
            nursery.spawn(async function fetchPage() {
              await giambio.sleep(1);
              throw new Error("connection refused");
            });
          }
        })
        .catch((err: unknown) => err);
      expect(caught).toBeInstanceOf(giambio.MultiError);
      const shown = inspect(caught);
      const lines = shown.split("\n");
      expect(lines[0]).toBe("MultiError: 50 tasks failed: Error: connection refused (× 50)");
      expect(shown.match(/× 50 {2}Error: connection refused/g)).toHaveLength(1);
      expect(shown.match(/at fetchPage/g)).toHaveLength(1);
      expect(lines.length).toBeLessThan(40);
    }),
  );

  it("shows different failures each with its stack, and nested groups indented", () => {
    const inner = new giambio.MultiError([new RangeError("r1"), new RangeError("r1")]);
    const err = new giambio.MultiError([new TypeError("t"), inner]);
    const shown = inspect(err);
    expect(shown).toMatch(/^ {2}TypeError: t$/m);
    expect(shown).toMatch(/^ {2}MultiError: 2 tasks failed: RangeError: r1 \(× 2\)$/m);
    expect(shown).toMatch(/^ {4}× 2 {2}RangeError: r1$/m);
  });

  it("keeps non-error failures and a cause", () => {
    const err = new giambio.MultiError(["a string", "a string", 42]);
    (err as { cause?: unknown }).cause = "why";
    const shown = inspect(err);
    expect(shown).toMatch(/× 2 {2}'a string'/);
    expect(shown).toMatch(/^ {2}42$/m);
    expect(shown).toMatch(/\[cause\]: 'why'/);
  });

  it("is short when nested deeper than inspect's depth", () => {
    const err = new giambio.MultiError([new Error("x")]);
    expect(inspect({ a: { b: { c: err } } }, { depth: 1 })).toContain("[Object]");
    expect(inspect([err], { depth: -1 })).toBe("[Array]");
    expect(inspect({ err }, { depth: 0 })).toBe("{ err: [MultiError: 1 tasks failed: Error: x] }");
  });
});
