/**
 * The Node.js binaries the children run on: Node 20 is the `node` running the harness;
 * Node 24 is `$GIAMBIO_BENCH_NODE24`, else what `npx -y node@24` installs.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import type { NodeKey } from "./workload.js";

export interface NodeBinary {
  /** Which column: "20" or "24". */
  readonly key: NodeKey;
  readonly bin: string;
  /** `v20.20.2` */
  readonly version: string;
}

/** The version of the Node binary `bin`, or undefined if it does not run. */
function probe(bin: string): string | undefined {
  const r = spawnSync(bin, ["-p", "process.version"], { encoding: "utf8", timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The `node` running the harness, for the Node 20 column. */
export function node20(): NodeBinary {
  return { key: "20", bin: process.execPath, version: process.version };
}

/** Node 24, or why there is none. */
export function findNode24(log: (line: string) => void): NodeBinary | { why: string } {
  const fromEnv = process.env.GIAMBIO_BENCH_NODE24;
  if (fromEnv !== undefined && fromEnv !== "") {
    const version = probe(fromEnv);
    if (version?.startsWith("v24.") === true) return { key: "24", bin: fromEnv, version };
    return { why: `$GIAMBIO_BENCH_NODE24=${fromEnv} is not a working Node 24` };
  }
  log("bench: looking for Node 24 (npx -y node@24) ...");
  const npx = process.platform === "win32" ? "npx.cmd" : "npx";
  const r = spawnSync(npx, ["-y", "node@24", "-p", "process.execPath"], {
    cwd: os.tmpdir(),
    encoding: "utf8",
    timeout: 300_000,
  });
  if (r.status !== 0) {
    const detail = r.error?.message ?? r.stderr.trim().split("\n").pop() ?? "";
    return { why: `npx -y node@24 failed: ${detail || `exit code ${r.status}`}` };
  }
  const bin = r.stdout.trim().split("\n").pop() ?? "";
  const version = probe(bin);
  if (version?.startsWith("v24.") !== true) {
    return { why: `npx -y node@24 gave \`${bin}\`, which is not a working Node 24` };
  }
  return { key: "24", bin, version };
}
