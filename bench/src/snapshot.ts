/**
 * The library under test: a copy of `dist/cjs` in a temporary directory, which every
 * child loads (through `$GIAMBIO_BENCH_DIST`), so that a rebuild while the benchmark runs
 * cannot mix two versions; and the commit it was built from.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Copies `<root>/dist/cjs`; throws if it was never built. */
export function snapshotDist(root: string): string {
  const dist = path.join(root, "dist", "cjs");
  if (!fs.existsSync(path.join(dist, "index.js"))) {
    throw new Error(`${dist}/index.js does not exist: run \`npm run build\` first`);
  }
  const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), "giambio-bench-"));
  fs.cpSync(dist, snapshot, { recursive: true });
  return snapshot;
}

/** Where the numbers come from: a commit, and whether lib/ differs from it. */
export interface Provenance {
  /** `git rev-parse --short HEAD`, or undefined outside a git checkout. */
  readonly commit: string | undefined;
  readonly libChanged: boolean;
}

export function provenance(root: string): Provenance {
  const git = (args: string[]) => spawnSync("git", args, { cwd: root, encoding: "utf8" });
  const head = git(["rev-parse", "--short", "HEAD"]);
  if (head.status !== 0) return { commit: undefined, libChanged: false };
  const libChanged = git(["status", "--porcelain", "--", "lib"]).stdout.trim() !== "";
  return { commit: head.stdout.trim(), libChanged };
}

/** `commit abc1234`, `commit abc1234 + uncommitted changes in lib/`. */
export function describeProvenance(p: Provenance): string {
  if (p.commit === undefined) return "not a git checkout";
  return `commit ${p.commit}${p.libChanged ? " + uncommitted changes in lib/" : ""}`;
}
