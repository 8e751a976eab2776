/**
 * runInWorker (SPEC §11): results, cloned arguments, transfer, the pool and its limiter,
 * the checkpoint, errors, and nothing left once the run has settled. Cancellation is in
 * cancellation.spec.ts.
 */
import * as os from "node:os";
import { pathToFileURL } from "node:url";
import * as path from "node:path";
import * as giambio from "giambio";
import { waitAllTasksBlocked } from "giambio/testing";
import { liveWorkers } from "../../lib/worker/pool";
import { outcome, runMock } from "../support/giambio";
import { CALLS, sharedView, store, waitForValue } from "./support";

afterEach(() => {
  // Every run below has settled: none of its workers may be left.
  expect(liveWorkers()).toBe(0);
});

describe("runInWorker: calls and results", () => {
  it("resolves with the (awaited) result of the named export, from a path or a URL", async () => {
    const results = await runMock(async () => [
      await giambio.runInWorker(CALLS, "add", [2, 3]),
      await giambio.runInWorker(pathToFileURL(CALLS), "greet", ["you"]),
      await giambio.runInWorker(pathToFileURL(CALLS).href, "add", [1, 1]),
    ]);
    expect(results).toEqual([5, "hello you", 2]);
  });

  it("resolves a path starting with ./ from the current directory", async () => {
    const relative = `./${path.relative(process.cwd(), CALLS).split(path.sep).join("/")}`;
    expect(await runMock(() => giambio.runInWorker(relative, "add", [1, 2]))).toBe(3);
  });

  it("clones the arguments and the result with the structured clone algorithm", async () => {
    const value = { when: new Date(0), map: new Map([[1, "a"]]), bytes: new Uint8Array([1, 2]) };
    const [back, kinds] = await runMock(async () => [
      await giambio.runInWorker(CALLS, "echo", [value]),
      await giambio.runInWorker(CALLS, "describeArgs", [new Date(0), new Map(), [1]]),
    ]);
    expect(back).toEqual(value);
    expect(back).not.toBe(value);
    expect(kinds).toEqual(["[object Date]", "[object Map]", "[object Array]"]);
  });

  it("moves what options.transfer lists: the sender's ArrayBuffer is detached", async () => {
    const buffer = new ArrayBuffer(1024);
    const length = await runMock(() =>
      giambio.runInWorker(CALLS, "byteLength", [buffer], { transfer: [buffer] }),
    );
    expect(length).toBe(1024);
    expect(buffer.byteLength).toBe(0);
  });

  it("copies an ArrayBuffer that is not listed in transfer", async () => {
    const buffer = new ArrayBuffer(16);
    await runMock(() => giambio.runInWorker(CALLS, "byteLength", [buffer]));
    expect(buffer.byteLength).toBe(16);
  });
});

describe("runInWorker: the run's pool", () => {
  it("starts workers lazily and reuses them", async () => {
    await runMock(async () => {
      expect(liveWorkers()).toBe(0);
      const first = await giambio.runInWorker(CALLS, "whichThread");
      const second = await giambio.runInWorker(CALLS, "whichThread");
      expect(second).toBe(first);
      expect(liveWorkers()).toBe(1);
    });
  });

  it("terminates every worker before the run settles", async () => {
    await runMock(async () => {
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < 3; i++) nursery.spawn(() => giambio.runInWorker(CALLS, "add", [i, i]));
      });
      expect(liveWorkers()).toBeGreaterThan(0);
    });
    // afterEach checks that none is left.
  });

  it("runs at most options.limiter's tokens of calls at once", async () => {
    const view = sharedView();
    const limiter = new giambio.CapacityLimiter(2);
    await runMock(async () => {
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < 5; i++) {
          nursery.spawn(() => giambio.runInWorker(CALLS, "holdSlot", [view], { limiter }));
        }
        await waitForValue(view, 0, 2); // two calls hold a slot in their workers...
        await waitAllTasksBlocked();
        expect(limiter.statistics().tasksWaiting).toBe(3); // ...and three wait for a token
        expect(Atomics.load(view, 0)).toBe(2);
        store(view, 2, 1); // let them all go
      });
    });
    expect(Atomics.load(view, 1)).toBe(2); // never more than two at once
  });

  it("bounds calls by the run's currentWorkerLimiter() by default: one token per core", async () => {
    const view = sharedView();
    await runMock(async () => {
      const limiter = giambio.currentWorkerLimiter();
      expect(limiter).toBeInstanceOf(giambio.CapacityLimiter);
      expect(limiter.totalTokens).toBe(os.availableParallelism());
      expect(giambio.currentWorkerLimiter()).toBe(limiter);
      limiter.totalTokens = 1;
      await giambio.withNursery(async (nursery) => {
        for (let i = 0; i < 3; i++)
          nursery.spawn(() => giambio.runInWorker(CALLS, "holdSlot", [view]));
        await waitForValue(view, 0, 1);
        await waitAllTasksBlocked();
        expect(limiter.statistics()).toMatchObject({ borrowedTokens: 1, tasksWaiting: 2 });
        store(view, 2, 1);
      });
    });
    expect(Atomics.load(view, 1)).toBe(1);
  });

  it("gives each run its own limiter", async () => {
    const first = await runMock(() => giambio.currentWorkerLimiter());
    const second = await runMock(() => giambio.currentWorkerLimiter());
    expect(first).not.toBe(second);
  });

  it("is a checkpoint: in a cancelled scope the function never runs", async () => {
    const view = sharedView();
    await runMock(async () => {
      await giambio.withCancelScope(async (scope) => {
        scope.cancel();
        await giambio.runInWorker(CALLS, "mark", [view]);
        throw new Error("not reached");
      });
      expect(liveWorkers()).toBe(0);
    });
    expect(Atomics.load(view, 0)).toBe(0);
  });
});

describe("runInWorker: errors", () => {
  it("throws the worker's error with its name, message, properties and the worker's stack", async () => {
    const { error } = await outcome(
      runMock(() => giambio.runInWorker(CALLS, "failParse", ["bad token"])),
    );
    const err = error as Error & { code?: string; line?: number };
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("ParseError");
    expect(err.message).toBe("bad token");
    expect(err.code).toBe("E_PARSE");
    expect(err.line).toBe(3);
    expect(err.stack).toMatch(
      /^ParseError: bad token\n\s+at failParse \(.*worker-calls\.mjs:\d+:\d+\)/,
    );
  });

  it("rebuilds a built-in error class as itself", async () => {
    const { error } = await outcome(runMock(() => giambio.runInWorker(CALLS, "failType")));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("not a number");
  });

  it("throws a thrown value that is not an error as itself", async () => {
    const { error } = await outcome(runMock(() => giambio.runInWorker(CALLS, "throwString")));
    expect(error).toBe("just a string");
  });

  it("throws BrokenWorkerError when the worker calls process.exit(), and the pool serves the next call", async () => {
    await runMock(async () => {
      const { error } = await outcome(giambio.runInWorker(CALLS, "exit", [3]));
      expect(error).toBeInstanceOf(giambio.BrokenWorkerError);
      expect((error as Error).message).toContain('"exit" of ');
      expect((error as Error).message).toContain("exit code 3");
      expect(await giambio.runInWorker(CALLS, "add", [1, 2])).toBe(3);
    });
  });

  it("throws BrokenWorkerError when the worker runs out of the memory resourceLimits allow", async () => {
    await runMock(async () => {
      const { error } = await outcome(
        giambio.runInWorker(CALLS, "eatMemory", [], {
          resourceLimits: { maxOldGenerationSizeMb: 16 },
        }),
      );
      expect(error).toBeInstanceOf(giambio.BrokenWorkerError);
      expect((error as Error).message).toContain("memory limit");
      expect(((error as Error).cause as { code?: string }).code).toBe("ERR_WORKER_OUT_OF_MEMORY");
      expect(await giambio.runInWorker(CALLS, "add", [1, 2])).toBe(3);
    });
  }, 30_000);

  it("throws BrokenWorkerError when an error escapes from the worker's own callbacks", async () => {
    const { error } = await outcome(runMock(() => giambio.runInWorker(CALLS, "crashFromTimer")));
    expect(error).toBeInstanceOf(giambio.BrokenWorkerError);
    expect((error as Error).message).toContain("thrown from a timer");
  });

  it("names a module that does not exist", async () => {
    const missing = path.join(path.dirname(CALLS), "no-such-module.mjs");
    const { error } = await outcome(runMock(() => giambio.runInWorker(missing, "f")));
    expect((error as Error).message).toContain(`runInWorker could not load the module ${missing}`);
    expect((error as { code?: string }).code).toBe("ERR_MODULE_NOT_FOUND");
  });

  it("names an export that does not exist, and lists those that do", async () => {
    const { error } = await outcome(runMock(() => giambio.runInWorker(CALLS, "substract")));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(`The module ${CALLS} has no export "substract"`);
    expect((error as Error).message).toContain('"add"');
  });

  it("names an export that is not a function", async () => {
    const { error } = await outcome(runMock(() => giambio.runInWorker(CALLS, "notAFunction")));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('The export "notAFunction"');
    expect((error as Error).message).toContain("is not a function");
    expect((error as Error).message).toContain("`42` (number)");
  });

  it("names an argument that cannot be cloned, deep inside, and runs nothing", async () => {
    const { error } = await outcome(
      runMock(() => giambio.runInWorker(CALLS, "echo", [1, { handler: () => 1 }])),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain("`args[1]`");
    expect((error as Error).message).toContain("DataCloneError");
  });

  it("refuses a function passed as an argument at the call, synchronously", async () => {
    await runMock(() => {
      expect(() => giambio.runInWorker(CALLS, "echo", [() => 1])).toThrow(
        /Expected `args\[0\]` to be a value that can be copied to a worker thread/,
      );
    });
  });

  it("names a result that cannot be cloned back", async () => {
    const { error } = await outcome(runMock(() => giambio.runInWorker(CALLS, "returnFunction")));
    expect((error as Error).name).toBe("DataCloneError");
    expect((error as Error).message).toContain('"returnFunction"');
  });
});
