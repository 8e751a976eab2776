/**
 * The public surface: a change to what `giambio`, `giambio/testing` or `giambio/worker`
 * exports must be a deliberate change to this list (and to the docs and the changelog).
 */
import * as giambio from "giambio";
import * as testing from "giambio/testing";
import * as worker from "giambio/worker";

describe("the export list", () => {
  it("of giambio is exactly the public names", () => {
    expect(Object.keys(giambio).sort()).toEqual(
      [
        "AsyncSocket",
        "BrokenResourceError",
        "BrokenWorkerError",
        "BusyResourceError",
        "CancelScope",
        "CapacityLimiter",
        "ClosedResourceError",
        "Condition",
        "EndOfChannel",
        "Event",
        "Lock",
        "MemoryReceiveChannel",
        "MemorySendChannel",
        "Semaphore",
        "WouldBlock",
        "openMemoryChannel",
        "openTcpStream",
        "openTlsStream",
        "listenTcp",
        "serveTcp",
        "serveTls",
        "wrapSocket",
        "runProcess",
        "openProcess",
        "Process",
        "ProcessError",
        "Cancelled",
        "KeyboardInterrupt",
        "MultiError",
        "Nursery",
        "NurseryError",
        "Task",
        "TaskCancelledError",
        "TaskStatus",
        "TooSlowError",
        "cancellable",
        "checkpoint",
        "clock",
        "currentSignal",
        "currentTask",
        "currentWorkerLimiter",
        "failAfter",
        "failAt",
        "isCancelled",
        "moveOnAfter",
        "moveOnAt",
        "openNursery",
        "run",
        "runInWorker",
        "runWith",
        "sleep",
        "sleepForever",
        "sleepUntil",
        "spawn",
        "withCancelScope",
        "withNursery",
        "all",
        "race",
        "map",
        "retry",
        "splitErrors",
      ].sort(),
    );
  });

  it("of giambio/testing is exactly the test tools", () => {
    expect(Object.keys(testing).sort()).toEqual([
      "MemoryStream",
      "MockClock",
      "memoryStreamPair",
      "taskTree",
      "waitAllTasksBlocked",
      "withVirtualTime",
    ]);
  });

  it("of giambio/worker is exactly the worker's side of runInWorker", () => {
    expect(Object.keys(worker).sort()).toEqual(["checkCancelled", "workerSignal"]);
  });

  it("names every error class after itself", () => {
    const errors = [
      new giambio.TooSlowError(),
      new giambio.MultiError([new Error("a"), new Error("b")]),
      new giambio.NurseryError("x"),
      new giambio.TaskCancelledError("t"),
      new giambio.KeyboardInterrupt(),
      new giambio.EndOfChannel(),
      new giambio.ClosedResourceError(),
      new giambio.BrokenResourceError(),
      new giambio.BusyResourceError(),
      new giambio.WouldBlock(),
      new giambio.ProcessError({
        command: ["false"],
        exitCode: 1,
        signal: null,
        stdout: null,
        stderr: null,
      }),
      new giambio.BrokenWorkerError(),
    ];
    for (const err of errors) {
      expect(err).toBeInstanceOf(Error);
      expect(err.name).toBe(err.constructor.name);
    }
    expect(new giambio.MultiError([])).toBeInstanceOf(AggregateError);
  });
});
