/**
 * Warnings in specs.
 *
 * Every spec runs under a warning trap (installed by `spec/support/setup.ts`): a warning
 * emitted during a test, through `process.emitWarning` or by Node itself, fails that test,
 * unless the test expected it with {@link expectWarning}, or replaced `process.emitWarning`
 * itself (`jest.spyOn(process, "emitWarning").mockImplementation(...)`).
 *
 * @example
 * const [warning] = await expectWarning(
 *   () => giambio.run(async () => { void giambio.sleep(1); }),
 *   /never awaited/,
 * );
 * expect(warning?.name).toBe("GiambioWarning");
 */

import { setImmediate as realSetImmediate } from "node:timers";
import { isNativeError } from "node:util/types";

/** One warning, as the trap saw it. */
export interface CapturedWarning {
  /** The warning's type, such as `"GiambioWarning"` or `"MaxListenersExceededWarning"`. */
  readonly name: string;
  readonly message: string;
  readonly code: string | undefined;
  /** Where it was emitted, when known. */
  readonly stack: string | undefined;
}

/**
 * Which warnings an {@link expectWarning} accepts: a string the message contains, a
 * regular expression tested against `"<name>: <message>"`, or a predicate.
 */
export type WarningMatcher = string | RegExp | ((warning: CapturedWarning) => boolean);

interface Frame {
  readonly matcher: WarningMatcher | undefined;
  readonly caught: CapturedWarning[];
}

interface Trap {
  active: boolean;
  stray: CapturedWarning[];
  frames: Frame[];
}

// Kept on the global object, not in this module, so that a spec that calls
// jest.resetModules() still talks to the trap that setup.ts installed.
const TRAP = Symbol.for("giambio.spec.warningTrap");

function trap(): Trap {
  const holder = globalThis as { [TRAP]?: Trap };
  holder[TRAP] ??= { active: false, stray: [], frames: [] };
  return holder[TRAP];
}

function matches(matcher: WarningMatcher | undefined, warning: CapturedWarning): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === "string") return warning.message.includes(matcher);
  if (matcher instanceof RegExp) return matcher.test(`${warning.name}: ${warning.message}`);
  return matcher(warning);
}

/** Formats a warning for a failure message. */
export function describeWarning(warning: CapturedWarning): string {
  const code = warning.code === undefined ? "" : ` [${warning.code}]`;
  const stack = warning.stack?.split("\n").slice(1, 6).join("\n") ?? "";
  return `${warning.name}${code}: ${warning.message}${stack === "" ? "" : `\n${stack}`}`;
}

/**
 * Normalises the arguments of `process.emitWarning(warning, type | options, code)`, or a
 * Node `warning` event's error, into a {@link CapturedWarning}.
 */
export function toCapturedWarning(
  warning: unknown,
  typeOrOptions?: unknown,
  code?: unknown,
): CapturedWarning {
  const options =
    typeof typeOrOptions === "object" && typeOrOptions !== null
      ? (typeOrOptions as { type?: unknown; code?: unknown })
      : {};
  const type = typeof typeOrOptions === "string" ? typeOrOptions : options.type;
  const theCode = typeof code === "string" ? code : options.code;
  // Not `instanceof Error`: Node's own warnings are errors from outside jest's sandbox.
  if (isNativeError(warning)) {
    const errorCode = (warning as { code?: unknown }).code;
    return {
      name: warning.name,
      message: warning.message,
      code: typeof errorCode === "string" ? errorCode : undefined,
      stack: warning.stack,
    };
  }
  return {
    name: typeof type === "string" ? type : "Warning",
    message: String(warning),
    code: typeof theCode === "string" ? theCode : undefined,
    stack: new Error("emitted here").stack?.split("\n").slice(1).join("\n"),
  };
}

/**
 * Hands a warning to the innermost pending {@link expectWarning} that accepts it, else
 * keeps it as a stray warning that will fail the test. Used by setup.ts.
 */
export function recordWarning(warning: CapturedWarning): void {
  const state = trap();
  for (let i = state.frames.length - 1; i >= 0; i--) {
    const frame = state.frames[i];
    if (frame !== undefined && matches(frame.matcher, warning)) {
      frame.caught.push(warning);
      return;
    }
  }
  state.stray.push(warning);
}

/** Starts a test's warning trap. Used by setup.ts. */
export function beginWarningTrap(): void {
  const state = trap();
  state.active = true;
  state.stray = [];
  state.frames = [];
}

/** Ends a test's warning trap and returns the warnings nobody expected. Used by setup.ts. */
export function endWarningTrap(): CapturedWarning[] {
  const state = trap();
  const stray = state.stray;
  state.active = false;
  state.stray = [];
  state.frames = [];
  return stray;
}

/**
 * Runs `fn` and asserts that it emitted at least one warning accepted by `matcher`
 * (any warning when `matcher` is left out). The accepted warnings do not fail the test.
 *
 * Warnings that Node emits reach listeners one tick late, so this waits one turn of the
 * event loop after `fn` settles before it looks.
 *
 * @param fn The code expected to warn; it may return a promise.
 * @param matcher Which warnings are expected (see {@link WarningMatcher}).
 * @returns The accepted warnings, in the order they were emitted.
 * @throws Whatever `fn` throws; an `Error` when no accepted warning was emitted.
 */
export async function expectWarning(
  fn: () => unknown,
  matcher?: WarningMatcher,
): Promise<CapturedWarning[]> {
  const state = trap();
  if (!state.active) {
    throw new Error("expectWarning() must be called inside a test (see spec/support/setup.ts)");
  }
  const frame: Frame = { matcher, caught: [] };
  state.frames.push(frame);
  try {
    await fn();
    await new Promise<void>((resolve) => realSetImmediate(resolve));
  } finally {
    const index = state.frames.lastIndexOf(frame);
    if (index >= 0) state.frames.splice(index, 1);
  }
  if (frame.caught.length === 0) {
    const wanted = matcher === undefined ? "a warning" : `a warning matching ${String(matcher)}`;
    throw new Error(`Expected ${wanted} to be emitted, but none was`);
  }
  return frame.caught;
}
