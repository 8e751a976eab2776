/**
 * Shared helpers for specs: runs on virtual time, and small probes.
 */
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";

/** Runs `fn` on a fresh autojumping MockClock (SIGINT handling off). */
export function runMock<T>(
  fn: () => T | PromiseLike<T>,
  clock = new MockClock({ autojump: true }),
): Promise<Awaited<T>> {
  return giambio.runWith({ clock, handleSignals: false }, fn);
}

/** A promise's outcome, for asserting on rejections without try/catch noise. */
export async function outcome(
  p: PromiseLike<unknown>,
): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

/** An error class for failures the specs provoke on purpose. */
export class Boom extends Error {
  constructor(message = "boom") {
    super(message);
    this.name = "Boom";
  }
}
