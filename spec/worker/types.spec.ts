/**
 * runInWorker's types (SPEC §11): with the module's type, the export's name and its
 * arguments are checked together, and the result is the export's (awaited) result. The
 * `@ts-expect-error` lines fail `npm run typecheck` if they ever compile; the calls also run.
 */
import * as giambio from "giambio";
import { runMock } from "../support/giambio";
import type * as CallsModule from "../fixtures/worker-calls.mjs" with {
  "resolution-mode": "import",
};
import { CALLS } from "./support";

/** `typeof import("../fixtures/worker-calls.mjs")`, as a user's module would write it. */
type Calls = typeof CallsModule;

describe("runInWorker's types", () => {
  it("check the name, the arguments and the result against the module's type", async () => {
    await runMock(async () => {
      const sum: number = await giambio.runInWorker<Calls, "add">(CALLS, "add", [1, 2]);
      const greeting: string = await giambio.runInWorker<Calls, "greet">(CALLS, "greet", ["x"]);
      // With the module's type alone: name and arguments checked, the result one of its results.
      const either = await giambio.runInWorker<Calls>(CALLS, "add", [1, 2]);
      const thread = await giambio.runInWorker<Calls>(CALLS, "whichThread");
      expect([sum, greeting, either, typeof thread]).toEqual([3, "hello x", 3, "number"]);

      const refused = async (): Promise<void> => {
        // @ts-expect-error the module has no export "substract"
        await giambio.runInWorker<Calls>(CALLS, "substract", [1, 2]);
        // @ts-expect-error "notAFunction" is not a function
        await giambio.runInWorker<Calls>(CALLS, "notAFunction");
        // @ts-expect-error add takes two numbers
        await giambio.runInWorker<Calls>(CALLS, "add", [1, "2"]);
        // @ts-expect-error add needs its arguments
        await giambio.runInWorker<Calls>(CALLS, "add");
        // @ts-expect-error greet resolves with a string
        const wrong: number = await giambio.runInWorker<Calls, "greet">(CALLS, "greet", ["x"]);
        void wrong;
      };
      void refused;
    });
  });

  it("accepts any name and arguments without a module type, resolving with unknown", async () => {
    await runMock(async () => {
      const value: unknown = await giambio.runInWorker(CALLS, "add", [2, 2]);
      expect(value).toBe(4);
    });
  });
});
