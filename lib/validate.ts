/**
 * Argument checks shared by every public function: each throws synchronously, at the call,
 * with a message that names the argument and what was expected.
 *
 * Internal to giambio: not part of the public API.
 *
 * @module
 */

/** Renders a value for an error message: `` `NaN` (number) ``. */
/** @internal */
export function describe(value: unknown): string {
  let shown: string;
  if (typeof value === "function") shown = value.name ? `[function ${value.name}]` : "[function]";
  else if (typeof value === "string") shown = JSON.stringify(value);
  else if (typeof value === "bigint") shown = `${value}n`;
  else if (typeof value === "symbol") shown = value.toString();
  else if (value === null || typeof value !== "object") shown = String(value);
  else if (Array.isArray(value)) shown = "[array]";
  else shown = `[object ${value.constructor?.name ?? "Object"}]`;
  const type = value === null ? "null" : typeof value;
  return `\`${shown}\` (${type})`;
}

/** Throws a `TypeError` naming `name` unless `value` is a function. */
/** @internal */
export function checkFunction(value: unknown, name: string): void {
  if (typeof value !== "function") {
    throw new TypeError(`Expected \`${name}\` to be a function, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a number >= 0 (`Infinity` allowed, `NaN` not). */
/** @internal */
export function checkDuration(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`Expected \`${name}\` to be a number >= 0, got ${describe(value)}`);
  }
  if (value < 0) {
    throw new RangeError(`Expected \`${name}\` to be a number >= 0, got ${describe(value)}`);
  }
}

/**
 * Throws unless `value` is a finite number >= `min`: a `TypeError` for what is not a number
 * or is `NaN` (as in `checkDuration`), a `RangeError` for one below `min` or infinite.
 */
/** @internal */
export function checkFiniteNumber(value: unknown, name: string, min = 0): asserts value is number {
  const expected = `Expected \`${name}\` to be a finite number >= ${min}, got ${describe(value)}`;
  if (typeof value !== "number" || Number.isNaN(value)) throw new TypeError(expected);
  if (value < min || !Number.isFinite(value)) throw new RangeError(expected);
}

/** Throws unless `value` is a number that is not `NaN` (`±Infinity` allowed). */
/** @internal */
export function checkDeadline(value: unknown, name: string): asserts value is number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(
      `Expected \`${name}\` to be a number of seconds on the giambio clock, got ${describe(value)}`,
    );
  }
}

/** Throws unless `value` is a boolean. */
/** @internal */
export function checkBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`Expected \`${name}\` to be a boolean, got ${describe(value)}`);
  }
}

/** Throws unless `value` is a plain options object (or undefined). */
/** @internal */
export function checkOptions(value: unknown, name: string): void {
  if (value !== undefined && (value === null || typeof value !== "object")) {
    throw new TypeError(`Expected \`${name}\` to be an object, got ${describe(value)}`);
  }
}

/**
 * Throws unless `value` is an integer in `[min, max]` (or `Infinity`, when allowed): a
 * `TypeError` for what is not a number at all, a `RangeError` for a number outside the
 * domain (negative, fractional, `NaN`, too large). `expected` describes the domain.
 */
/** @internal */
export function checkInteger(
  value: unknown,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  allowInfinity = false,
): asserts value is number {
  const expected =
    max === Number.MAX_SAFE_INTEGER
      ? `an integer >= ${min}${allowInfinity ? " or Infinity" : ""}`
      : `an integer from ${min} to ${max}`;
  if (typeof value !== "number") {
    throw new TypeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
  }
  if (allowInfinity && value === Infinity) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Expected \`${name}\` to be ${expected}, got ${describe(value)}`);
  }
}
