/**
 * The code every pool worker runs: a source string, started with `new Worker(source, {
 * eval: true })`.
 *
 * Why a string and not a file: the same library runs built (dist/cjs, JavaScript) and from
 * its TypeScript sources (under ts-jest, tsx); a worker file would have to exist in both
 * forms, and a `.ts` one cannot be started by Node 20. A string is the same everywhere.
 *
 * What it does:
 * - loads the user's module, once per worker, with `require` when it can (a CommonJS file,
 *   or any file a `--require` hook such as ts-node's can load; workers inherit the
 *   process's `execArgv`) and with `import()` otherwise (`.mjs`, ESM `.js`, `data:` URLs);
 * - calls the export, awaits it, and posts back the value or the error, made cloneable
 *   (protocol.ts reads it);
 * - keeps the worker's side of cancellation on `globalThis[Symbol.for("giambio.worker")]`,
 *   which `giambio/worker` (lib/worker.ts) reads: a slot on the global rather than a module
 *   variable, so that it is found whichever copy of `giambio/worker` the user's module
 *   loads. `flag` is an `Int32Array` over a `SharedArrayBuffer` the parent writes 1 into
 *   when the caller is cancelled, so `checkCancelled()` is one `Atomics.load`, and it sees
 *   the cancellation even while the call spins without ever yielding to the event loop
 *   (when the `cancel` message that aborts `workerSignal()` cannot arrive).
 *
 * The messages are those of protocol.ts; keep the two in step.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */

/** The key of the global slot the worker's side of cancellation lives in. */
export const WORKER_SLOT = "giambio.worker";

/** The source of a pool worker; `workerData` is `{ flag: SharedArrayBuffer }`. */
export const BOOTSTRAP = String.raw`"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const { fileURLToPath } = require("node:url");
const { inspect } = require("node:util");

const flag = new Int32Array(workerData.flag);

class Cancelled extends Error {
  constructor() {
    super("cancelled: the caller of runInWorker was cancelled");
    this.name = "Cancelled";
  }
}

// The call running now: { id, controller }, the controller made on the first workerSignal().
let current = null;

function abortCurrent() {
  if (current === null) return;
  if (current.controller === null) current.controller = new AbortController();
  if (!current.controller.signal.aborted) current.controller.abort(new Cancelled());
}

const side = {
  flag,
  signal() {
    if (current === null) {
      throw new Error(
        "workerSignal() was called while no runInWorker call is running in this worker: call it from the called function (or code it runs)",
      );
    }
    if (current.controller === null) current.controller = new AbortController();
    if (Atomics.load(flag, 0) !== 0) abortCurrent();
    return current.controller.signal;
  },
  cancelled() {
    abortCurrent();
    throw new Cancelled();
  },
};
globalThis[Symbol.for(${JSON.stringify(WORKER_SLOT)})] = side;

const modules = new Map();

function load(href) {
  let loading = modules.get(href);
  if (loading === undefined) {
    loading = loadModule(href);
    modules.set(href, loading);
    // A module that failed to load may load later (the file was written meanwhile).
    loading.catch(() => modules.delete(href));
  }
  return loading;
}

async function loadModule(href) {
  if (href.startsWith("file:") && !href.endsWith(".mjs")) {
    const file = fileURLToPath(href);
    try {
      return { exports: require(file), required: true };
    } catch (err) {
      const code = err !== null && typeof err === "object" ? err.code : undefined;
      if (code !== "ERR_REQUIRE_ESM" && code !== "ERR_REQUIRE_ASYNC_MODULE") throw err;
    }
  }
  return { exports: await import(href), required: false };
}

function shown(href) {
  return href.startsWith("file:") ? fileURLToPath(href) : href;
}

function describe(value) {
  if (typeof value === "function") return "a function";
  return "\u0060" + inspect(value, { depth: 0, breakLength: Infinity }) + "\u0060 (" + (value === null ? "null" : typeof value) + ")";
}

function findExport(loaded, href, name) {
  const exports = loaded.exports;
  let value = exports == null ? undefined : exports[name];
  if (value === undefined && exports != null) {
    const fallback = exports.default;
    // A CommonJS module loaded through import(): its names may hide behind "default".
    if (name !== "default" && fallback != null && (typeof fallback === "object" || typeof fallback === "function")) value = fallback[name];
    // A CommonJS module whose module.exports is the function itself.
    else if (name === "default" && loaded.required && typeof exports === "function") value = exports;
  }
  if (value === undefined) {
    const names = exports == null ? [] : Object.keys(exports).filter((key) => key !== "__esModule");
    throw new TypeError(
      "The module " + shown(href) + " has no export " + JSON.stringify(name) +
        " (runInWorker calls a named export; it exports " +
        (names.length === 0 ? "nothing" : names.map((n) => JSON.stringify(n)).join(", ")) + ")",
    );
  }
  if (typeof value !== "function") {
    throw new TypeError(
      "The export " + JSON.stringify(name) + " of the module " + shown(href) +
        " is not a function (runInWorker calls a function), got " + describe(value),
    );
  }
  return value;
}

function cloneable(value) {
  try {
    return { ok: true, value: structuredClone(value) };
  } catch {
    return { ok: false, value: undefined };
  }
}

function thrown(err) {
  if (err instanceof Error || (err !== null && typeof err === "object" && typeof err.message === "string" && typeof err.name === "string")) {
    const props = {};
    for (const key of Object.keys(err)) {
      const copy = cloneable(err[key]);
      if (copy.ok) props[key] = copy.value;
    }
    return {
      isError: true,
      name: String(err.name),
      message: String(err.message),
      stack: typeof err.stack === "string" ? err.stack : undefined,
      props,
      cancelled: err instanceof Cancelled,
    };
  }
  const copy = cloneable(err);
  return { isError: false, value: copy.ok ? copy.value : String(err) };
}

async function call(message) {
  let loaded;
  try {
    loaded = await load(message.module);
  } catch (err) {
    try {
      const before = err.name + ": " + err.message;
      err.message = "runInWorker could not load the module " + shown(message.module) + ": " + err.message;
      const stack = err.stack;
      if (typeof stack === "string" && stack.startsWith(before)) {
        err.stack = err.name + ": " + err.message + stack.slice(before.length);
      }
    } catch {
      // Not an object we can change: sent as it is.
    }
    throw err;
  }
  const fn = findExport(loaded, message.module, message.name);
  return await fn(...message.args);
}

function reply(message, value) {
  try {
    parentPort.postMessage({ kind: "done", id: message.id, value });
  } catch (err) {
    const error = new Error(
      "The value " + JSON.stringify(message.name) + " of " + shown(message.module) +
        " returned cannot be sent back to the caller: " + String(err && err.message),
    );
    error.name = "DataCloneError";
    parentPort.postMessage({ kind: "failed", id: message.id, error: thrown(error) });
  }
}

parentPort.on("message", (message) => {
  if (message.kind === "cancel") {
    if (current !== null && current.id === message.id) abortCurrent();
    return;
  }
  const running = { id: message.id, controller: null };
  current = running;
  call(message).then(
    (value) => {
      if (current === running) current = null;
      reply(message, value);
    },
    (err) => {
      if (current === running) current = null;
      parentPort.postMessage({ kind: "failed", id: message.id, error: thrown(err) });
    },
  );
});
`;
