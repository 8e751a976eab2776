/**
 * Bad-input conformance: every public function, constructor, method and setter of `giambio`
 * and `giambio/testing` refuses a bad argument synchronously, at the call, with the error
 * class of the house rule (docs/design.md, "Naming rules": a value of the wrong type is a
 * `TypeError`, a number outside its domain a `RangeError`) and a message that names the
 * argument and what was expected. A meta-test keeps the table complete.
 */
import * as net from "node:net";
import * as giambio from "giambio";
import * as testing from "giambio/testing";

const { MockClock } = testing;

/** What a row may use: made fresh inside a run for every row. */
interface Fixtures {
  task: giambio.Task;
  nursery: giambio.Nursery;
  scope: giambio.CancelScope;
  send: giambio.MemorySendChannel<number>;
  receive: giambio.MemoryReceiveChannel<number>;
  stream: testing.MemoryStream;
  /** An unconnected client socket. */
  socket: giambio.AsyncSocket;
  /** A listener that is not listening. */
  listener: giambio.AsyncSocket;
  /** Closed ones. */
  closedSocket: giambio.AsyncSocket;
  closedListener: giambio.AsyncSocket;
  condition: giambio.Condition;
  limiter: giambio.CapacityLimiter;
  clock: testing.MockClock;
}

type ErrorClass = new (...args: never[]) => Error;

interface Row {
  /** `fn` for a function, `new C` for a constructor, `C#m` for a method, `C#p=` for a setter. */
  name: string;
  call: (fx: Fixtures) => unknown;
  error: ErrorClass;
  /** Words the message must contain. */
  words: string[];
  /** The error comes from the returned promise (it depends on what a callback returned). */
  rejects?: true;
  /** How this input fared before the bad-input pass ("clear" if it already did this). */
  was: "clear" | "unclear" | "accepted";
}

const fn = (): void => {};
const nothing = undefined as never;

/** Constructs a class by hand, the way a user who skips the factory would. */
function construct(cls: unknown, ...args: unknown[]): unknown {
  return Reflect.construct(cls as new (...a: unknown[]) => unknown, args);
}

const rows: Row[] = [
  // --- running ---
  {
    name: "run",
    call: () => giambio.run(5 as never),
    error: TypeError,
    words: ["`fn`", "a function"],
    was: "clear",
  },
  {
    name: "runWith",
    call: () => giambio.runWith(null as never, fn),
    error: TypeError,
    words: ["`options`", "an object"],
    was: "clear",
  },
  {
    name: "runWith",
    call: () => giambio.runWith({ clock: 5 as never }, fn),
    error: TypeError,
    words: ["`options.clock`", "MockClock"],
    was: "clear",
  },
  {
    name: "runWith",
    call: () => giambio.runWith({ turnBudget: -1 }, fn),
    error: RangeError,
    words: ["`options.turnBudget`", "> 0"],
    was: "clear",
  },
  // --- time ---
  {
    name: "sleep",
    call: () => giambio.sleep(-1),
    error: RangeError,
    words: ["`seconds`", "a number >= 0"],
    was: "clear",
  },
  {
    name: "sleep",
    call: () => giambio.sleep("1" as never),
    error: TypeError,
    words: ["`seconds`", "a number >= 0"],
    was: "clear",
  },
  {
    name: "sleepUntil",
    call: () => giambio.sleepUntil(NaN),
    error: TypeError,
    words: ["`deadline`", "a number of seconds"],
    was: "clear",
  },
  // --- tasks and nurseries ---
  {
    name: "spawn",
    call: () => giambio.spawn(5 as never),
    error: TypeError,
    words: ["`fn`", "a function"],
    was: "clear",
  },
  {
    name: "withNursery",
    call: () => giambio.withNursery(5 as never),
    error: TypeError,
    words: ["`fn`", "a function"],
    was: "clear",
  },
  {
    name: "new Task",
    call: () => construct(giambio.Task),
    error: TypeError,
    words: ["spawn()", "do not construct"],
    was: "unclear",
  },
  {
    name: "new Task",
    call: () => construct(giambio.Task, async () => 1),
    error: TypeError,
    words: ["spawn()", "do not construct"],
    was: "unclear",
  },
  {
    name: "new Nursery",
    call: () => construct(giambio.Nursery),
    error: TypeError,
    words: ["withNursery()", "do not construct"],
    was: "unclear",
  },
  {
    name: "Nursery#spawn",
    call: (fx) => fx.nursery.spawn(5 as never),
    error: TypeError,
    words: ["`fn`", "a function"],
    was: "clear",
  },
  {
    name: "Nursery#start",
    call: (fx) => fx.nursery.start(5 as never),
    error: TypeError,
    words: ["`fn`", "a function"],
    was: "clear",
  },
  {
    name: "new TaskStatus",
    call: () => construct(giambio.TaskStatus),
    error: TypeError,
    words: ["nursery.start()", "do not construct"],
    was: "accepted",
  },
  // --- cancel scopes ---
  {
    name: "withCancelScope",
    call: () => giambio.withCancelScope(5 as never),
    error: TypeError,
    words: ["`fn`", "a function"],
    was: "clear",
  },
  {
    name: "withCancelScope",
    call: () => giambio.withCancelScope(fn, { shield: 1 as never }),
    error: TypeError,
    words: ["`options.shield`", "a boolean"],
    was: "clear",
  },
  {
    name: "withCancelScope",
    call: () => giambio.withCancelScope(fn, { deadline: NaN }),
    error: TypeError,
    words: ["`options.deadline`", "a number"],
    was: "clear",
  },
  {
    name: "moveOnAfter",
    call: () => giambio.moveOnAfter(-1, fn),
    error: RangeError,
    words: ["`seconds`", "a number >= 0"],
    was: "clear",
  },
  {
    name: "moveOnAt",
    call: () => giambio.moveOnAt(NaN, fn),
    error: TypeError,
    words: ["`deadline`", "a number"],
    was: "clear",
  },
  {
    name: "failAfter",
    call: () => giambio.failAfter(-1, fn),
    error: RangeError,
    words: ["`seconds`", "a number >= 0"],
    was: "clear",
  },
  {
    name: "failAt",
    call: () => giambio.failAt("x" as never, fn),
    error: TypeError,
    words: ["`deadline`", "a number"],
    was: "clear",
  },
  {
    name: "new CancelScope",
    call: () => construct(giambio.CancelScope),
    error: TypeError,
    words: ["withCancelScope()", "do not construct"],
    was: "unclear",
  },
  {
    name: "new CancelScope",
    call: () => construct(giambio.CancelScope, null, undefined),
    error: TypeError,
    words: ["withCancelScope()", "do not construct"],
    was: "accepted",
  },
  {
    name: "CancelScope#deadline=",
    call: (fx) => (fx.scope.deadline = NaN),
    error: TypeError,
    words: ["`deadline`", "a number"],
    was: "clear",
  },
  {
    name: "CancelScope#shield=",
    call: (fx) => (fx.scope.shield = 1 as never),
    error: TypeError,
    words: ["`shield`", "a boolean"],
    was: "clear",
  },
  {
    name: "cancellable",
    call: () => giambio.cancellable(5 as never),
    error: TypeError,
    words: ["`what`", "a promise"],
    was: "clear",
  },
  // --- synchronization ---
  {
    name: "new Semaphore",
    call: () => new giambio.Semaphore(-1),
    error: RangeError,
    words: ["`initial`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "new Semaphore",
    call: () => new giambio.Semaphore("1" as never),
    error: TypeError,
    words: ["`initial`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "new Semaphore",
    call: () => new giambio.Semaphore(1, 0),
    error: RangeError,
    words: ["`max`", "an integer >= 1"],
    was: "clear",
  },
  {
    name: "new Semaphore",
    call: () => new giambio.Semaphore(2, 1),
    error: RangeError,
    words: ["`initial`", "`max`"],
    was: "clear",
  },
  {
    name: "new CapacityLimiter",
    call: () => new giambio.CapacityLimiter(0),
    error: RangeError,
    words: ["`totalTokens`", "an integer >= 1"],
    was: "clear",
  },
  {
    name: "new CapacityLimiter",
    call: () => new giambio.CapacityLimiter(1.5),
    error: RangeError,
    words: ["`totalTokens`", "an integer >= 1"],
    was: "clear",
  },
  {
    name: "CapacityLimiter#totalTokens=",
    call: (fx) => (fx.limiter.totalTokens = "2" as never),
    error: TypeError,
    words: ["`totalTokens`", "an integer >= 1"],
    was: "clear",
  },
  {
    name: "new Condition",
    call: () => new giambio.Condition({} as never),
    error: TypeError,
    words: ["`lock`", "a giambio Lock"],
    was: "clear",
  },
  {
    name: "Condition#notify",
    call: (fx) => fx.condition.notify(-1),
    error: RangeError,
    words: ["`n`", "an integer >= 0"],
    was: "clear",
  },
  // --- memory channels ---
  {
    name: "openMemoryChannel",
    call: () => giambio.openMemoryChannel(-1),
    error: RangeError,
    words: ["`maxBufferSize`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "openMemoryChannel",
    call: () => giambio.openMemoryChannel(0.5),
    error: RangeError,
    words: ["`maxBufferSize`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "openMemoryChannel",
    call: () => giambio.openMemoryChannel("1" as never),
    error: TypeError,
    words: ["`maxBufferSize`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "new MemorySendChannel",
    call: () => construct(giambio.MemorySendChannel),
    error: TypeError,
    words: ["openMemoryChannel()", "do not construct"],
    was: "accepted",
  },
  {
    name: "new MemoryReceiveChannel",
    call: () => construct(giambio.MemoryReceiveChannel, {}),
    error: TypeError,
    words: ["openMemoryChannel()", "do not construct"],
    was: "accepted",
  },
  // --- sockets ---
  {
    name: "wrapSocket",
    call: () => giambio.wrapSocket({} as never),
    error: TypeError,
    words: ["`sock`", "a net.Socket or net.Server"],
    was: "clear",
  },
  {
    name: "new AsyncSocket",
    call: () => construct(giambio.AsyncSocket, {}),
    error: TypeError,
    words: ["wrapSocket()", "do not construct"],
    was: "unclear",
  },
  {
    name: "AsyncSocket#address",
    call: (fx) => fx.closedSocket.address,
    error: giambio.ClosedResourceError,
    words: ["no address", "closed"],
    was: "accepted",
  },
  {
    name: "AsyncSocket#address",
    call: (fx) => fx.closedListener.address,
    error: giambio.ClosedResourceError,
    words: ["no address"],
    was: "clear",
  },
  {
    name: "AsyncSocket#sendAll",
    call: (fx) => fx.socket.sendAll("hi" as never),
    error: TypeError,
    words: ["`data`", "a Uint8Array or Buffer"],
    was: "clear",
  },
  {
    name: "AsyncSocket#receive",
    call: (fx) => fx.socket.receive(0),
    error: RangeError,
    words: ["`maxBytes`", "an integer >= 1"],
    was: "clear",
  },
  {
    name: "AsyncSocket#accept",
    call: (fx) => fx.socket.accept(),
    error: TypeError,
    words: ["accept()", "a listening socket"],
    was: "clear",
  },
  {
    name: "AsyncSocket#connect",
    call: (fx) => fx.socket.connect(5 as never, 80),
    error: TypeError,
    words: ["`host`", "a string"],
    was: "clear",
  },
  {
    name: "AsyncSocket#connect",
    call: (fx) => fx.socket.connect("localhost", -1),
    error: RangeError,
    words: ["`port`", "an integer from 0 to 65535"],
    was: "clear",
  },
  {
    name: "openTcpStream",
    call: () => giambio.openTcpStream("", 80),
    error: TypeError,
    words: ["`host`", "a non-empty string"],
    was: "clear",
  },
  {
    name: "openTcpStream",
    call: () => giambio.openTcpStream("localhost", 70000),
    error: RangeError,
    words: ["`port`", "an integer from 0 to 65535"],
    was: "clear",
  },
  {
    name: "openTcpStream",
    call: () => giambio.openTcpStream("localhost", 80, { happyEyeballsDelay: -1 }),
    error: RangeError,
    words: ["`options.happyEyeballsDelay`", "a number >= 0"],
    was: "clear",
  },
  {
    name: "openTcpStream",
    call: () => giambio.openTcpStream("localhost", 80, { lookup: 5 as never }),
    error: TypeError,
    words: ["`options.lookup`", "a function"],
    was: "clear",
  },
  {
    name: "openTcpStream",
    call: () =>
      giambio.openTcpStream("localhost", 80, { lookup: () => Promise.resolve(null as never) }),
    error: TypeError,
    words: ["`options.lookup`", "resolve to an array"],
    rejects: true,
    was: "unclear",
  },
  {
    name: "listenTcp",
    call: () => giambio.listenTcp(0, "127.0.0.1", { backlog: -5 }),
    error: RangeError,
    words: ["`options.backlog`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "listenTcp",
    call: () => giambio.listenTcp(0, "127.0.0.1", { backlog: "x" as never }),
    error: TypeError,
    words: ["`options.backlog`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "listenTcp",
    call: () => giambio.listenTcp(0, 5 as never),
    error: TypeError,
    words: ["`host`", "a string"],
    was: "clear",
  },
  {
    name: "serveTcp",
    call: () => giambio.serveTcp(fn, 0, { backlog: -5 }),
    error: RangeError,
    words: ["`options.backlog`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "serveTcp",
    call: () => giambio.serveTcp(fn, 0, { backlog: "x" as never }),
    error: TypeError,
    words: ["`options.backlog`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "serveTcp",
    call: () => giambio.serveTcp(5 as never, 0),
    error: TypeError,
    words: ["`handler`", "a function"],
    was: "clear",
  },
  {
    name: "openTlsStream",
    call: () => giambio.openTlsStream("localhost", 443, null as never),
    error: TypeError,
    words: ["`tlsOptions`", "an object"],
    was: "clear",
  },
  {
    name: "openTlsStream",
    call: () => giambio.openTlsStream("localhost", 443, {}, { lookup: 5 as never }),
    error: TypeError,
    words: ["`options.lookup`", "a function"],
    was: "accepted",
  },
  {
    name: "openTlsStream",
    call: () => giambio.openTlsStream("localhost", 443, {}, { happyEyeballsDelay: -1 }),
    error: RangeError,
    words: ["`options.happyEyeballsDelay`", "a number >= 0"],
    was: "accepted",
  },
  {
    name: "serveTls",
    call: () => giambio.serveTls(fn, 0, null as never),
    error: TypeError,
    words: ["`tlsOptions`", "an object"],
    was: "clear",
  },
  {
    name: "serveTls",
    call: () => giambio.serveTls(fn, 0, {}, { backlog: -5 }),
    error: RangeError,
    words: ["`options.backlog`", "an integer >= 0"],
    was: "clear",
  },
  // --- worker threads ---
  {
    name: "runInWorker",
    call: () => giambio.runInWorker(5 as never, "f"),
    error: TypeError,
    words: ["`module`", "a URL, an absolute path"],
    was: "clear",
  },
  {
    name: "runInWorker",
    call: () => giambio.runInWorker("worker.mjs", "f"),
    error: TypeError,
    words: ["`module`", "./ or ../"],
    was: "clear",
  },
  {
    name: "runInWorker",
    call: () => giambio.runInWorker("/w.mjs", ""),
    error: TypeError,
    words: ["`exportName`", "the name of an exported function"],
    was: "clear",
  },
  {
    name: "runInWorker",
    call: () => giambio.runInWorker("/w.mjs", "f", 5 as never),
    error: TypeError,
    words: ["`args`", "an array"],
    was: "clear",
  },
  {
    name: "runInWorker",
    call: () => giambio.runInWorker("/w.mjs", "f", [Symbol("s")]),
    error: TypeError,
    words: ["`args[0]`", "copied to a worker thread"],
    was: "clear",
  },
  {
    name: "runInWorker",
    call: () => giambio.runInWorker("/w.mjs", "f", [], { limiter: 2 as never }),
    error: TypeError,
    words: ["`options.limiter`", "a CapacityLimiter"],
    was: "clear",
  },
  {
    name: "runInWorker",
    call: () => giambio.runInWorker("/w.mjs", "f", [], { transfer: 5 as never }),
    error: TypeError,
    words: ["`options.transfer`", "an array"],
    was: "clear",
  },
  {
    name: "runInWorker",
    call: () => giambio.runInWorker("/w.mjs", "f", [], { cancel: "kill" as never }),
    error: TypeError,
    words: ["`options.cancel`", '"terminate" or "wait"'],
    was: "clear",
  },
  {
    name: "runInWorker",
    call: () => giambio.runInWorker("/w.mjs", "f", [], { grace: -1 }),
    error: RangeError,
    words: ["`options.grace`", "a number >= 0"],
    was: "clear",
  },
  {
    name: "runInWorker",
    call: () =>
      giambio.runInWorker("/w.mjs", "f", [], { resourceLimits: { stackSizeMb: "4" as never } }),
    error: TypeError,
    words: ["`options.resourceLimits.stackSizeMb`", "a number >= 0"],
    was: "clear",
  },
  {
    name: "new BrokenWorkerError",
    call: () => new giambio.BrokenWorkerError(5 as never),
    error: TypeError,
    words: ["`message`", "a string"],
    was: "clear",
  },
  // --- subprocesses ---
  {
    name: "runProcess",
    call: () => giambio.runProcess(5 as never),
    error: TypeError,
    words: ["`command`", "a non-empty array of strings", "`5` (number)"],
    was: "clear",
  },
  {
    name: "runProcess",
    call: () => giambio.runProcess("ls -l" as never),
    error: TypeError,
    words: ["`command`", "a non-empty array of strings", "{ shell: true }"],
    was: "clear",
  },
  {
    name: "runProcess",
    call: () => giambio.runProcess(["ls"] as never, { shell: true }),
    error: TypeError,
    words: ["`command`", "a non-empty string", "`shell: true`"],
    was: "clear",
  },
  {
    name: "runProcess",
    call: () => giambio.runProcess(["cat"], { input: 5 as never }),
    error: TypeError,
    words: ["`options.input`", "a string, a Uint8Array or a Buffer"],
    was: "clear",
  },
  {
    name: "runProcess",
    call: () => giambio.runProcess(["true"], { check: "yes" as never }),
    error: TypeError,
    words: ["`options.check`", "a boolean"],
    was: "clear",
  },
  {
    name: "runProcess",
    call: () => giambio.runProcess(["true"], { env: { A: 1 as never } }),
    error: TypeError,
    words: ["`options.env.A`", "a string"],
    was: "clear",
  },
  {
    name: "runProcess",
    call: () => giambio.runProcess(["true"], { cwd: 5 as never }),
    error: TypeError,
    words: ["`options.cwd`", "a non-empty string or a file: URL"],
    was: "clear",
  },
  {
    name: "runProcess",
    call: () => giambio.runProcess(["true"], { deliverCancel: 5 as never }),
    error: TypeError,
    words: ["`options.deliverCancel`", "a function"],
    was: "clear",
  },
  {
    name: "openProcess",
    call: () => giambio.openProcess([]),
    error: TypeError,
    words: ["`command`", "a non-empty array of strings"],
    was: "clear",
  },
  {
    name: "openProcess",
    call: () => giambio.openProcess(["ls", 5 as never]),
    error: TypeError,
    words: ["`command[1]`", "a string", "`5` (number)"],
    was: "clear",
  },
  {
    name: "openProcess",
    call: () => giambio.openProcess(["ls"], { stdout: "pipes" as never }),
    error: TypeError,
    words: ["`options.stdout`", '"pipe", "inherit" or "ignore"'],
    was: "clear",
  },
  {
    name: "new Process",
    call: () => construct(giambio.Process),
    error: TypeError,
    words: ["openProcess()", "do not construct"],
    was: "clear",
  },
  {
    name: "Process#kill",
    // The signal is checked before the process is looked at: no child needed.
    call: () =>
      giambio.Process.prototype.kill.call(
        Object.create(giambio.Process.prototype),
        "SIGNOPE" as never,
      ),
    error: TypeError,
    words: ["`signal`", "a signal name", "a signal number"],
    was: "clear",
  },
  {
    name: "new ProcessError",
    call: () => new giambio.ProcessError(5 as never),
    error: TypeError,
    words: ["`result`", "an object"],
    was: "clear",
  },
  {
    name: "new ProcessError",
    call: () =>
      new giambio.ProcessError(
        { command: ["x"], exitCode: 1, signal: null, stdout: null, stderr: null },
        5 as never,
      ),
    error: TypeError,
    words: ["`message`", "a string"],
    was: "clear",
  },
  // --- errors ---
  {
    name: "new TooSlowError",
    call: () => new giambio.TooSlowError(5 as never),
    error: TypeError,
    words: ["`message`", "a string"],
    was: "accepted",
  },
  {
    name: "new MultiError",
    call: () => new giambio.MultiError(5 as never),
    error: TypeError,
    words: ["`errors`", "an array of errors"],
    was: "unclear",
  },
  {
    name: "new MultiError",
    call: () => new giambio.MultiError([], 5 as never),
    error: TypeError,
    words: ["`message`", "a string"],
    was: "accepted",
  },
  {
    name: "new NurseryError",
    call: () => new giambio.NurseryError(nothing),
    error: TypeError,
    words: ["`message`", "a string"],
    was: "accepted",
  },
  {
    name: "new NurseryError",
    call: () => new giambio.NurseryError("x", -1),
    error: RangeError,
    words: ["`cancelled`", "an integer >= 0"],
    was: "accepted",
  },
  {
    name: "new TaskCancelledError",
    call: () => new giambio.TaskCancelledError(5 as never),
    error: TypeError,
    words: ["`taskName`", "a string"],
    was: "accepted",
  },
  {
    name: "new KeyboardInterrupt",
    call: () => new giambio.KeyboardInterrupt("x", 0),
    error: RangeError,
    words: ["`signals`", "an integer >= 1"],
    was: "accepted",
  },
  {
    name: "new EndOfChannel",
    call: () => new giambio.EndOfChannel(5 as never),
    error: TypeError,
    words: ["`message`", "a string"],
    was: "accepted",
  },
  {
    name: "new ClosedResourceError",
    call: () => new giambio.ClosedResourceError(5 as never),
    error: TypeError,
    words: ["`message`", "a string"],
    was: "accepted",
  },
  {
    name: "new BrokenResourceError",
    call: () => new giambio.BrokenResourceError("x", 5 as never),
    error: TypeError,
    words: ["`options`", "an object"],
    was: "accepted",
  },
  {
    name: "new BusyResourceError",
    call: () => new giambio.BusyResourceError(5 as never),
    error: TypeError,
    words: ["`message`", "a string"],
    was: "accepted",
  },
  {
    name: "new WouldBlock",
    call: () => new giambio.WouldBlock(5 as never),
    error: TypeError,
    words: ["`message`", "a string"],
    was: "accepted",
  },
  // --- giambio/testing ---
  {
    name: "new MockClock",
    call: () => new MockClock(null as never),
    error: TypeError,
    words: ["`options`", "an object"],
    was: "clear",
  },
  {
    name: "new MockClock",
    call: () => new MockClock({ autojump: -1 }),
    error: RangeError,
    words: ["`autojump`", "a number of seconds >= 0"],
    was: "unclear",
  },
  {
    name: "new MockClock",
    call: () => new MockClock({ start: Infinity }),
    error: RangeError,
    words: ["`options.start`", "a finite number"],
    was: "unclear",
  },
  {
    name: "MockClock#jump",
    call: (fx) => fx.clock.jump(Infinity),
    error: RangeError,
    words: ["`seconds`", "a finite number >= 0"],
    was: "clear",
  },
  {
    name: "MockClock#jump",
    call: (fx) => fx.clock.jump(-1),
    error: RangeError,
    words: ["`seconds`", "a number >= 0"],
    was: "clear",
  },
  {
    name: "MockClock#autojump=",
    call: (fx) => (fx.clock.autojump = "yes" as never),
    error: TypeError,
    words: ["`autojump`", "a boolean"],
    was: "clear",
  },
  {
    name: "waitAllTasksBlocked",
    call: () => testing.waitAllTasksBlocked(-1),
    error: RangeError,
    words: ["`cushion`", "a number >= 0"],
    was: "clear",
  },
  {
    name: "memoryStreamPair",
    call: () => testing.memoryStreamPair(-1),
    error: RangeError,
    words: ["`limit`", "an integer >= 0"],
    was: "clear",
  },
  {
    name: "new MemoryStream",
    call: () => construct(testing.MemoryStream, 5),
    error: TypeError,
    words: ["memoryStreamPair()", "do not construct"],
    was: "accepted",
  },
  {
    name: "MemoryStream#sendAll",
    call: (fx) => fx.stream.sendAll("hi" as never),
    error: TypeError,
    words: ["`data`", "a Uint8Array or Buffer"],
    was: "clear",
  },
  {
    name: "MemoryStream#receive",
    call: (fx) => fx.stream.receive(0),
    error: RangeError,
    words: ["`maxBytes`", "an integer >= 1"],
    was: "clear",
  },
  // --- structured helpers ---
  {
    name: "all",
    call: () => giambio.all([fn, 5] as never),
    error: TypeError,
    words: ["`fns[1]`", "a function"],
    was: "clear",
  },
  {
    name: "race",
    call: () => giambio.race([]),
    error: RangeError,
    words: ["`fns`", "at least one function"],
    was: "clear",
  },
  {
    name: "map",
    call: () => giambio.map([1], fn, { concurrency: 0 }),
    error: RangeError,
    words: ["`options.concurrency`", "an integer >= 1 or Infinity"],
    was: "clear",
  },
  {
    name: "map",
    call: () => giambio.map(5 as never, fn),
    error: TypeError,
    words: ["`items`", "an iterable"],
    was: "clear",
  },
  {
    name: "retry",
    call: () => giambio.retry(fn, { attempts: 0 }),
    error: RangeError,
    words: ["`options.attempts`", "an integer >= 1"],
    was: "clear",
  },
  {
    name: "retry",
    call: () => giambio.retry(fn, { delay: -1 }),
    error: RangeError,
    words: ["`options.delay`", "a finite number >= 0"],
    was: "clear",
  },
  {
    name: "splitErrors",
    call: () => giambio.splitErrors(new Error(), 5 as never),
    error: TypeError,
    words: ["`matcher`", "a function"],
    was: "clear",
  },
  {
    name: "withVirtualTime",
    call: () => testing.withVirtualTime(5 as never),
    error: TypeError,
    words: ["`fn`", "a function"],
    was: "clear",
  },
];

/** Calls that take no argument (so no bad one), with why. */
const noArguments: Record<string, string> = {
  clock: "reads the run's clock",
  checkpoint: "a bare checkpoint",
  sleepForever: "sleeps until cancelled",
  currentTask: "asks the ambient run",
  currentSignal: "asks the ambient run",
  currentWorkerLimiter: "asks the ambient run",
  openNursery: "opens a block nursery in the current task",
  taskTree: "describes the current run",
  "Task#join": "waits for the task",
  "Nursery#join": "always refuses, pointing to the block form",
  "new Event": "an event starts unset",
  "Event#set": "sets the event",
  "Event#isSet": "a query",
  "Event#wait": "waits for the event",
  "Event#statistics": "a query",
  "new Lock": "a lock starts free",
  "Lock#acquire": "acquires for the current task",
  "Lock#acquireNoWait": "acquires for the current task",
  "Lock#release": "releases for the current task",
  "Lock#locked": "a query",
  "Lock#hold": "acquires for the current task",
  "Lock#statistics": "a query",
  "Semaphore#acquire": "takes one permit",
  "Semaphore#acquireNoWait": "takes one permit",
  "Semaphore#release": "gives back one permit",
  "Semaphore#hold": "takes one permit",
  "Semaphore#statistics": "a query",
  "CapacityLimiter#acquire": "borrows for the current task",
  "CapacityLimiter#acquireNoWait": "borrows for the current task",
  "CapacityLimiter#release": "gives back the current task's token",
  "CapacityLimiter#hold": "borrows for the current task",
  "CapacityLimiter#statistics": "a query",
  "Condition#acquire": "the lock's acquire",
  "Condition#acquireNoWait": "the lock's acquireNoWait",
  "Condition#release": "the lock's release",
  "Condition#locked": "a query",
  "Condition#hold": "the lock's hold",
  "Condition#wait": "waits for a notify",
  "Condition#notifyAll": "wakes every waiter",
  "Condition#statistics": "a query",
  "MemorySendChannel#close": "closes this end",
  "MemorySendChannel#clone": "opens another end",
  "MemorySendChannel#statistics": "a query",
  "MemoryReceiveChannel#receive": "waits for a value",
  "MemoryReceiveChannel#receiveNoWait": "takes a value if one is ready",
  "MemoryReceiveChannel#close": "closes this end",
  "MemoryReceiveChannel#clone": "opens another end",
  "MemoryReceiveChannel#statistics": "a query",
  "AsyncSocket#isResourceOpen": "a query",
  "AsyncSocket#describeResource": "a query",
  "AsyncSocket#sendEof": "half-closes the socket",
  "AsyncSocket#close": "closes the socket",
  "MemoryStream#sendEof": "half-closes the stream",
  "MemoryStream#close": "closes the stream",
  "MockClock#now": "a query",
  "Process#wait": "waits for the exit",
};

/** Calls whose argument may be any value, so no argument is bad. */
const anyValue: Record<string, string> = {
  isCancelled: "a predicate over any thrown value",
  "new Cancelled": "`reason` may be any value",
  "Task#cancel": "`reason` may be any value",
  "Nursery#cancel": "`reason` may be any value",
  "CancelScope#cancel": "`reason` may be any value",
  "TaskStatus#started": "the started value may be any value",
  "MemorySendChannel#send": "a channel carries any value",
  "MemorySendChannel#sendNoWait": "a channel carries any value",
  "CapacityLimiter#acquireOnBehalfOf": "a borrower may be any value",
  "CapacityLimiter#acquireOnBehalfOfNoWait": "a borrower may be any value",
  "CapacityLimiter#releaseOnBehalfOf":
    "a borrower may be any value (one holding no token is misuse)",
};

function isClass(value: unknown): value is abstract new (...args: never[]) => unknown {
  return typeof value === "function" && /^class\b/.test(Function.prototype.toString.call(value));
}

/** Every call the table must cover, named as in `Row.name`. */
function publicCalls(): string[] {
  const names: string[] = [];
  for (const entry of [giambio, testing] as Record<string, unknown>[]) {
    for (const key of Object.keys(entry)) {
      const value = entry[key];
      if (typeof value !== "function") continue;
      if (!isClass(value)) {
        names.push(key);
        continue;
      }
      names.push(`new ${key}`);
      const proto = value.prototype as object;
      for (const prop of Object.getOwnPropertyNames(proto)) {
        if (prop === "constructor" || prop.startsWith("_")) continue;
        const d = Object.getOwnPropertyDescriptor(proto, prop) as PropertyDescriptor;
        if (typeof d.value === "function") names.push(`${key}#${prop}`);
        if (d.set !== undefined) names.push(`${key}#${prop}=`);
        // A getter without a setter takes no argument: nothing to check.
      }
    }
  }
  return names;
}

async function inRun(body: (fx: Fixtures) => unknown): Promise<void> {
  const sockets: giambio.AsyncSocket[] = [];
  await giambio.runWith(
    { handleSignals: false, clock: new MockClock({ autojump: true }) },
    async () => {
      await giambio.withNursery(async (nursery) => {
        await giambio.withCancelScope(async (scope) => {
          const [send, receive] = giambio.openMemoryChannel<number>(1);
          const [stream] = testing.memoryStreamPair();
          const socket = giambio.wrapSocket(new net.Socket());
          const listener = giambio.wrapSocket(net.createServer());
          const closedSocket = giambio.wrapSocket(new net.Socket());
          const closedListener = giambio.wrapSocket(net.createServer());
          sockets.push(socket, listener, closedSocket, closedListener);
          closedSocket.close();
          closedListener.close();
          try {
            await body({
              task: giambio.currentTask(),
              nursery,
              scope,
              send,
              receive,
              stream,
              socket,
              listener,
              closedSocket,
              closedListener,
              condition: new giambio.Condition(),
              limiter: new giambio.CapacityLimiter(1),
              clock: new MockClock(),
            });
          } finally {
            for (const s of sockets) await s[Symbol.asyncDispose]();
          }
        });
      });
    },
  );
}

function checkError(err: unknown, row: Row): void {
  expect(err).toBeInstanceOf(row.error);
  const message = (err as Error).message;
  for (const word of row.words) expect(message).toContain(word);
  expect(message).not.toContain("Cannot read properties");
}

describe("bad input", () => {
  it.each(rows.map((row, i) => [`${row.name} (${i})`, row] as const))(
    "%s is refused at the call, clearly",
    async (_label, row) => {
      await inRun(async (fx) => {
        if (row.rejects) {
          let err: unknown = new Error("resolved");
          try {
            await (row.call(fx) as PromiseLike<unknown>);
          } catch (e) {
            err = e;
          }
          checkError(err, row);
          return;
        }
        let thrown: unknown = null;
        let returned: unknown;
        try {
          returned = row.call(fx);
        } catch (err) {
          thrown = err;
        }
        // An operation that was made but not refused must not be left unawaited.
        if (typeof (returned as PromiseLike<unknown> | null)?.then === "function") {
          await Promise.resolve(returned).catch(() => {});
        }
        expect(thrown).not.toBeNull();
        checkError(thrown, row);
      });
    },
  );

  it("accepts the inputs a user report found wrongly refused", async () => {
    await inRun(() => {
      expect(new giambio.Semaphore(1, Infinity).max).toBe(Infinity);
      expect(new giambio.MultiError(new Set([new Error("a")]) as never).errors).toHaveLength(1);
      expect(new giambio.NurseryError("x", 2).cancelled).toBe(2);
      expect(new MockClock({ autojump: 0.5 }).autojump).toBe(0.5);
    });
  });

  it("has a row (or a stated reason) for every public function, constructor, method and setter", () => {
    const covered = new Set([
      ...rows.map((r) => r.name),
      ...Object.keys(noArguments),
      ...Object.keys(anyValue),
    ]);
    const missing = publicCalls().filter((name) => !covered.has(name));
    expect(missing).toEqual([]);
  });

  it("names only calls that exist", () => {
    const calls = new Set(publicCalls());
    const stale = [
      ...rows.map((r) => r.name),
      ...Object.keys(noArguments),
      ...Object.keys(anyValue),
    ].filter((name) => !calls.has(name) && name !== "AsyncSocket#address");
    expect(stale).toEqual([]);
  });

  it("counts", () => {
    // Kept in one place for the report: how each row fared before the bad-input pass.
    const tally = { clear: 0, unclear: 0, accepted: 0 };
    for (const r of rows) tally[r.was]++;
    expect(tally.clear + tally.unclear + tally.accepted).toBe(rows.length);
  });
});
