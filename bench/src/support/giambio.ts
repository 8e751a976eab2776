/**
 * Loads giambio, lazily, from the snapshot of `dist/cjs` the harness took at start
 * (`$GIAMBIO_BENCH_DIST`), so that a rebuild during the run cannot mix two versions. Only
 * variants named `giambio…` call it: a `raw` process must never load giambio, whose
 * AsyncLocalStorage slows every promise on Node 20.
 *
 * @module
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type * as Giambio from "../../../dist/cjs/index.js";

/** The library's module, as `import * as giambio from "giambio"` sees it. */
export type GiambioModule = typeof Giambio;
export type { Instrument, RunOptions, Stream } from "../../../dist/cjs/index.js";

const require = createRequire(import.meta.url);
let loaded: GiambioModule | undefined;

/** The `dist/cjs` this child loads giambio from: the snapshot, else the repository's. */
export function giambioDist(): string {
  const snapshot = process.env.GIAMBIO_BENCH_DIST;
  if (snapshot !== undefined && snapshot !== "") return snapshot;
  return fileURLToPath(new URL("../../../dist/cjs/", import.meta.url));
}

/** giambio, loaded on first call. */
export function loadGiambio(): GiambioModule {
  loaded ??= require(path.join(giambioDist(), "index.js")) as GiambioModule;
  return loaded;
}

/** Whether this process has loaded giambio. */
export function giambioLoaded(): boolean {
  return loaded !== undefined;
}
