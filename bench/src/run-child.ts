/**
 * Starts one child (child.ts) and reads its sample: one at a time, never in parallel (two
 * benchmarks at once measure each other).
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { ChildOutput } from "./child.js";
import type { NodeBinary } from "./nodes.js";
import type { Metrics, SizeName } from "./workload.js";

const CHILD_JS = fileURLToPath(new URL("./child.js", import.meta.url));

export interface ChildRequest {
  readonly node: NodeBinary;
  readonly workload: string;
  readonly variant: string;
  readonly size: SizeName;
  readonly warmups: number;
  readonly round: number;
  readonly env: NodeJS.ProcessEnv;
  /** Where to write a CPU profile, if anywhere. */
  readonly cpuProf: string | undefined;
}

export type ChildResult =
  | { readonly metrics: Metrics; readonly seconds: number; readonly stderr: string }
  | { readonly error: string; readonly seconds: number };

export function runChild(request: ChildRequest): ChildResult {
  const args = ["--expose-gc"];
  if (request.cpuProf !== undefined) {
    const { node, workload, variant, round } = request;
    const dir = path.join(request.cpuProf, `node${node.key}-${workload}-${variant}-r${round}`);
    fs.mkdirSync(dir, { recursive: true });
    args.push("--cpu-prof", "--cpu-prof-dir", dir);
  }
  args.push(CHILD_JS, request.workload, request.variant, request.size, String(request.warmups));
  const t0 = Date.now();
  const r = spawnSync(request.node.bin, args, {
    env: request.env,
    encoding: "utf8",
    timeout: 600_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const seconds = (Date.now() - t0) / 1000;
  const stderr = (r.stderr ?? "").trim();
  if (r.status !== 0) {
    const why =
      r.error?.message ?? (r.signal !== null ? `killed by ${r.signal}` : `exit code ${r.status}`);
    return { error: stderr === "" ? why : `${why}\n${stderr}`, seconds };
  }
  const last = r.stdout.trim().split("\n").pop() ?? "";
  try {
    const output = JSON.parse(last) as ChildOutput;
    return { metrics: output.metrics, seconds, stderr };
  } catch {
    return { error: `unreadable output: ${JSON.stringify(last)}`, seconds };
  }
}
