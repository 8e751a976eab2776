/**
 * The argument checks of `runInWorker`: everything is checked at the call, before any
 * worker is taken, and the clear error for arguments `postMessage` could not clone.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { ResourceLimits, TransferListItem } from "node:worker_threads";
import { checkDuration, checkOptions, describe } from "../core";
import { CapacityLimiter } from "../sync/capacity-limiter";
import type { RunInWorkerOptions } from "./run-in-worker";

/** What a call needs once its arguments have been checked. */
export interface Call {
  readonly module: string;
  readonly name: string;
  readonly args: readonly unknown[];
  readonly limiter: CapacityLimiter | undefined;
  readonly transfer: readonly TransferListItem[] | undefined;
  readonly wait: boolean;
  readonly grace: number;
  readonly limits: ResourceLimits | undefined;
  readonly limitsKey: string;
}

const NO_ARGS: readonly unknown[] = Object.freeze([]);

const KINDS = ["terminate", "wait"];
const LIMITS = [
  "maxOldGenerationSizeMb",
  "maxYoungGenerationSizeMb",
  "codeRangeSizeMb",
  "stackSizeMb",
] as const;

export function checkCall(
  module: unknown,
  exportName: unknown,
  args: unknown,
  options: RunInWorkerOptions | undefined,
): Call {
  const href = moduleHref(module);
  if (typeof exportName !== "string" || exportName === "") {
    throw new TypeError(
      `Expected \`exportName\` to be the name of an exported function, got ${describe(exportName)}`,
    );
  }
  if (args !== undefined && !Array.isArray(args)) {
    throw new TypeError(`Expected \`args\` to be an array of arguments, got ${describe(args)}`);
  }
  const list = (args as unknown[] | undefined) ?? NO_ARGS;
  for (let i = 0; i < list.length; i++) {
    const arg = list[i];
    if (typeof arg === "function" || typeof arg === "symbol" || arg instanceof Promise) {
      throw new TypeError(
        `Expected \`args[${i}]\` to be a value that can be copied to a worker thread (structured ` +
          `clone), got ${describe(arg)}: functions, symbols and promises cannot be`,
      );
    }
  }
  checkOptions(options, "options");
  const limiter = options?.limiter;
  if (limiter !== undefined && !(limiter instanceof CapacityLimiter)) {
    throw new TypeError(
      `Expected \`options.limiter\` to be a CapacityLimiter, got ${describe(limiter)}`,
    );
  }
  const transfer = options?.transfer;
  if (transfer !== undefined && !Array.isArray(transfer)) {
    throw new TypeError(
      `Expected \`options.transfer\` to be an array of transferable objects, got ${describe(transfer)}`,
    );
  }
  const cancel = options?.cancel ?? "terminate";
  if (!KINDS.includes(cancel)) {
    throw new TypeError(
      `Expected \`options.cancel\` to be "terminate" or "wait", got ${describe(cancel)}`,
    );
  }
  const grace = options?.grace ?? 0.1;
  checkDuration(grace, "options.grace");
  const limits = options?.resourceLimits;
  let limitsKey = "";
  if (limits !== undefined) {
    checkOptions(limits, "options.resourceLimits");
    for (const key of LIMITS) {
      const value = limits[key];
      if (value !== undefined) checkDuration(value, `options.resourceLimits.${key}`);
      limitsKey += `${value ?? ""},`;
    }
  }
  return {
    module: href,
    name: exportName,
    args: list,
    limiter,
    transfer,
    wait: cancel === "wait",
    grace,
    limits,
    limitsKey,
  };
}

/** The module as a URL string: paths become `file:` URLs (`./` and `../` from the cwd). */
function moduleHref(module: unknown): string {
  if (typeof module === "string") {
    if (path.isAbsolute(module)) return pathToFileURL(module).href;
    if (/^\.\.?[\\/]/.test(module)) return pathToFileURL(path.resolve(module)).href;
    if (/^[a-z][a-z\d+.-]*:/i.test(module) && URL.canParse(module)) return new URL(module).href;
  } else if (
    typeof module === "object" &&
    module !== null &&
    typeof (module as { href?: unknown }).href === "string" &&
    Object.prototype.toString.call(module) === "[object URL]"
  ) {
    return (module as URL).href;
  }
  throw new TypeError(
    "Expected `module` to be a URL, an absolute path, or a path starting with ./ or ../ " +
      `(from the current directory), got ${describe(module)}`,
  );
}

/** The clear error for arguments `postMessage` could not clone: names the argument. */
export function cloneFailure(err: unknown, call: Call): Error {
  const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  for (let i = 0; i < call.args.length; i++) {
    const arg = call.args[i];
    try {
      structuredClone(arg);
    } catch {
      return new TypeError(
        `Expected \`args[${i}]\` to be a value that can be copied to a worker thread (structured ` +
          `clone), got ${describe(arg)} (${reason})`,
        { cause: err },
      );
    }
  }
  return new TypeError(
    `runInWorker could not send the arguments of ${JSON.stringify(call.name)} to a worker ` +
      `(${reason})${call.transfer !== undefined ? "; check `options.transfer`" : ""}`,
    { cause: err },
  );
}
