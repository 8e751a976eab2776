/**
 * Runs around every spec (jest's `setupFilesAfterEnv`) and fails a test that leaves a mess:
 *
 * - an unhandled promise rejection;
 * - a warning, from `process.emitWarning` or from Node itself, that the test did not expect
 *   (see `expectWarning` in ./warnings.ts);
 * - more open sockets or servers (TCP, TLS) than before the test;
 * - more `setTimeout`/`setInterval` timers or `setImmediate` callbacks still pending than
 *   before the test (counted with `process.getActiveResourcesInfo()`, which lists only
 *   ref'ed ones). jest's `detectOpenHandles` would find the culprit, but slows every run.
 *
 * These run as top-level `afterEach` hooks, so they see the state after the spec's own
 * `afterEach` hooks in describe blocks, but before top-level `afterEach` hooks of the
 * spec file: clean up timers inside a `describe` or in the test itself.
 */

import { setImmediate as realSetImmediate } from "node:timers";
import { isNativeError } from "node:util/types";
import { pendingTimers, trackTimers } from "./timers";
import {
  beginWarningTrap,
  describeWarning,
  endWarningTrap,
  recordWarning,
  toCapturedWarning,
} from "./warnings";

const hostProcess = (globalThis as { [key: symbol]: unknown })[
  Symbol.for("giambio.spec.hostProcess")
] as NodeJS.Process | undefined;
if (hostProcess === undefined) {
  throw new Error(
    "spec/support/setup.ts needs the test environment spec/support/environment.js (see jest.config.js)",
  );
}
const host: NodeJS.Process = hostProcess;

const WATCHED = ["Timeout", "Immediate"] as const;
type Watched = (typeof WATCHED)[number];

trackTimers();

function countPending(): Record<Watched, number> {
  return pendingTimers();
}

let pendingBefore: Record<Watched, number> = { Timeout: 0, Immediate: 0 };

/** Open sockets and servers (TCP and TLS handles), from the host's resource list. */
function openSockets(): number {
  return host.getActiveResourcesInfo().filter((r) => r.startsWith("TCP") || r === "TLSWrap").length;
}

let socketsBefore = 0;
let rejections = new Map<Promise<unknown>, unknown>();
let originalEmitWarning: typeof process.emitWarning | undefined;

function onUnhandledRejection(reason: unknown, promise: Promise<unknown>): void {
  rejections.set(promise, reason);
}

function onRejectionHandled(promise: Promise<unknown>): void {
  rejections.delete(promise);
}

function onWarning(warning: Error): void {
  recordWarning(toCapturedWarning(warning));
}

function trappedEmitWarning(warning: unknown, typeOrOptions?: unknown, code?: unknown): void {
  recordWarning(toCapturedWarning(warning, typeOrOptions, code));
}

function describeReason(reason: unknown): string {
  if (isNativeError(reason)) return reason.stack ?? `${reason.name}: ${reason.message}`;
  return String(reason);
}

beforeEach(() => {
  rejections = new Map();
  // jest-circus installs its own handlers on the host process when the file starts, and
  // also fails the test on an unhandled rejection; ours names the problem plainly.
  host.on("unhandledRejection", onUnhandledRejection);
  host.on("rejectionHandled", onRejectionHandled);
  host.on("warning", onWarning);
  beginWarningTrap();
  // Restored as is after the test, so it must stay unbound.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  originalEmitWarning = process.emitWarning;
  process.emitWarning = trappedEmitWarning;
  pendingBefore = countPending();
  socketsBefore = openSockets();
});

afterEach(async () => {
  const problems: string[] = [];
  try {
    // Let rejections be reported and Node's warnings be delivered (both come a tick late).
    await new Promise<void>((resolve) => realSetImmediate(resolve));

    const pendingAfter = countPending();
    for (const kind of WATCHED) {
      if (pendingAfter[kind] > pendingBefore[kind]) {
        problems.push(
          `The test left ${pendingAfter[kind] - pendingBefore[kind]} more ${kind} pending ` +
            `than it found (${pendingBefore[kind]} before, ${pendingAfter[kind]} after): clear ` +
            "the timers it starts (or run jest with --detectOpenHandles to find them).",
        );
      }
    }

    // A destroyed socket releases its handle a turn or two later.
    let socketsAfter = openSockets();
    for (let i = 0; i < 20 && socketsAfter > socketsBefore; i++) {
      await new Promise<void>((resolve) => realSetImmediate(resolve));
      socketsAfter = openSockets();
    }
    if (socketsAfter > socketsBefore) {
      problems.push(
        `The test left ${socketsAfter - socketsBefore} more socket(s) open than it found ` +
          `(${socketsBefore} before, ${socketsAfter} after): close the sockets and listeners it opens.`,
      );
    }

    for (const reason of rejections.values()) {
      problems.push(`The test left an unhandled promise rejection:\n${describeReason(reason)}`);
    }
  } finally {
    host.off("unhandledRejection", onUnhandledRejection);
    host.off("rejectionHandled", onRejectionHandled);
    host.off("warning", onWarning);
    if (originalEmitWarning !== undefined) process.emitWarning = originalEmitWarning;
    originalEmitWarning = undefined;
    for (const warning of endWarningTrap()) {
      problems.push(
        "The test emitted a warning it did not expect (wrap the code in expectWarning() " +
          `from spec/support/warnings.ts if it should warn):\n${describeWarning(warning)}`,
      );
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n\n"));
});
