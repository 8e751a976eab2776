/**
 * The benchmark harness: giambio beside raw promises, Effect and Effection, on Node 20 and
 * Node 24, in one table. `npm run bench [-- options]` installs the peers (bench/package.json),
 * builds giambio and this harness, and runs it; `--help` lists the options.
 *
 * How it measures:
 *
 * 1. It copies dist/cjs to a temporary directory (snapshot.ts), which every child loads:
 *    a rebuild during the run cannot mix two versions.
 * 2. It runs in rounds. Each round runs every variant of every workload once, on each Node
 *    version, each in a child process of its own (child.ts), one after another (never two
 *    at once: the reference machine has 2 cores). The variants take turns within a round,
 *    starting one further along each round, so drift in the machine's speed hits every
 *    column alike. A child runs its variant a few times to warm up, then once, measured.
 * 3. The table shows, for each row, the median over the rounds of each column, and its
 *    ratio to the row's baseline; the target, and whether giambio met it.
 *
 * The children run in the default environment: NODE_ENV is removed from theirs (the
 * targets are about that), unless `--env production` (or another value) sets it; the
 * table's heading says which. NODE_OPTIONS is removed too, so no stray flag reaches them.
 * The exit code is non-zero only if a child crashed; a missed target is reported, not an
 * error.
 *
 * Adding a workload:
 *
 * 1. Write `bench/src/workloads/<name>.ts` exporting `defineWorkload({...})` (workload.ts
 *    describes every field): an `id` for `--only` and the table, `sizes.full` (what the
 *    targets are about) and `sizes.smoke` (tiny, for `--smoke`), one function per variant
 *    taking the size and returning `{ metric: number }`, and the `rows` to show, each
 *    naming its baseline variant, the variant in each column, and any target.
 * 2. Name the variants `raw`, `giambio…`, `effect`, `effection`. Only `giambio…` variants
 *    may call `loadGiambio()` (the child checks), and each variant loads its peer with
 *    `await import("effect")` inside its function, so no other variant's process loads it.
 *    Time only the work itself, with `now()`, inside the variant.
 * 3. Add it to the list in workloads/index.ts, and smoke it:
 *    `npm run bench -- --smoke --only <id>`.
 *
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { BUSY_LIMIT, loadBeforeChild } from "./machine.js";
import { checkMarkers, writeMarkdown } from "./markdown.js";
import { findNode24, node20, type NodeBinary } from "./nodes.js";
import { parseOptions, usageError, type Options } from "./options.js";
import { judge, renderText, Samples, targetSummary } from "./report.js";
import { runChild } from "./run-child.js";
import { describeProvenance, provenance, snapshotDist } from "./snapshot.js";
import type { Metrics, SizeName } from "./workload.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** One sample as `--json` writes it. */
interface SampleRecord {
  readonly node: string;
  readonly workload: string;
  readonly variant: string;
  readonly round: number;
  readonly seconds: number;
  readonly metrics?: Metrics;
  readonly error?: string;
}

function findNodes(options: Options): NodeBinary[] {
  const nodes: NodeBinary[] = [];
  if (options.node !== "24") {
    const n = node20();
    if (!n.version.startsWith("v20.")) {
      log(`bench: note: the Node 20 column runs ${n.bin}, which is ${n.version}`);
    }
    nodes.push(n);
  }
  if (options.node !== "20") {
    const found = findNode24(log);
    if ("why" in found) {
      log(`bench: SKIPPING the Node 24 columns: ${found.why}`);
      if (options.node === "24") process.exit(1);
    } else {
      nodes.push(found);
    }
  }
  return nodes;
}

/** The environment of every child. */
function childEnv(options: Options, snapshot: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIAMBIO_BENCH_DIST: snapshot };
  delete env.NODE_ENV;
  delete env.NODE_OPTIONS;
  if (options.nodeEnv !== undefined) env.NODE_ENV = options.nodeEnv;
  return env;
}

/** How this run was started, to be printed with its table. */
function commandLine(): string {
  const args = process.argv.slice(2).join(" ");
  if (process.env.npm_lifecycle_event === "bench") {
    return `npm run bench${args === "" ? "" : ` -- ${args}`}`;
  }
  return `node ${path.relative(process.cwd(), process.argv[1] ?? "main.js")} ${args}`.trim();
}

/** Runs every round; returns the samples, every record, the crashes and the loads seen. */
function runRounds(options: Options, nodes: readonly NodeBinary[], env: NodeJS.ProcessEnv) {
  const samples = new Samples();
  const records: SampleRecord[] = [];
  const crashes: string[] = [];
  const loads: number[] = [];
  const size: SizeName = options.mode === "smoke" ? "smoke" : "full";
  for (let round = 0; round < options.rounds; round++) {
    for (const workload of options.workloads) {
      if (round >= workload.maxRounds) continue;
      const warmups = Math.min(options.warmups, workload.maxWarmups);
      const n = workload.variants.length;
      for (let turn = 0; turn < n; turn++) {
        // One further along each round: no variant always runs first.
        const variant = workload.variants[(turn + round) % n] ?? "";
        for (const node of nodes) {
          loads.push(loadBeforeChild(options.waitIdle, log));
          const what = `${workload.id} ${variant} on Node ${node.key}`;
          const r = runChild({
            node,
            workload: workload.id,
            variant,
            size,
            warmups,
            round,
            env,
            cpuProf: options.cpuProf,
          });
          const base = {
            node: node.key,
            workload: workload.id,
            variant,
            round,
            seconds: r.seconds,
          };
          if ("error" in r) {
            log(
              `bench: round ${round + 1}: ${what} CRASHED after ${r.seconds.toFixed(1)} s: ${r.error}`,
            );
            crashes.push(what);
            records.push({ ...base, error: r.error });
            continue;
          }
          log(`bench: round ${round + 1}/${options.rounds}: ${what}: ${r.seconds.toFixed(1)} s`);
          if (r.stderr !== "") {
            log(`bench:   its stderr: ${r.stderr.split("\n").slice(0, 5).join("\n    ")}`);
          }
          samples.add(node.key, workload.id, variant, r.metrics);
          records.push({ ...base, metrics: r.metrics });
        }
      }
    }
  }
  return { samples, records, crashes, loads };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1] ?? NaN;
}

/** The sentences above the table: what ran, where, how, and how busy the machine was. */
function describeRun(
  options: Options,
  startedAt: Date,
  source: string,
  nodes: readonly NodeBinary[],
  envText: string,
  loads: readonly number[],
): string[] {
  const cpus = os.cpus();
  const date = `${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  const sentences = [
    `\`${commandLine()}\`, ${date}, ${source}.`,
    `${nodes.map((n) => `Node ${n.key}: ${n.version}`).join(", ")}; ${envText}; ` +
      `${cpus.length} CPUs (${cpus[0]?.model.trim() ?? "?"}).`,
    `Medians over ${plural(options.rounds, "round")}, one sample per child process; ` +
      "ratios: each column ÷ the row's baseline (vs)." +
      (options.mode === "smoke" ? " SMOKE RUN: tiny sizes, the figures mean nothing." : ""),
  ];
  const known = loads.filter((l) => !Number.isNaN(l));
  if (known.length > 0) {
    const worst = Math.max(...known);
    sentences.push(
      `Other processes kept the CPUs ${(median(known) * 100).toFixed(0)}% busy (median; worst ` +
        `${(worst * 100).toFixed(0)}%) just before each child` +
        (worst > BUSY_LIMIT ? ": expect noise (--wait-idle waits for a quiet machine)." : "."),
    );
  }
  return sentences;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  if (options.markdown !== undefined) {
    try {
      checkMarkers(options.markdown);
    } catch (err) {
      usageError(err instanceof Error ? err.message : String(err));
    }
  }
  const startedAt = new Date();
  const nodes = findNodes(options);
  const snapshot = snapshotDist(ROOT);
  const env = childEnv(options, snapshot);
  const source = describeProvenance(provenance(ROOT));
  log(
    `bench: ${options.mode} run of ${options.workloads.map((w) => w.id).join(", ")}; ${plural(options.rounds, "round")}; dist snapshot ${snapshot}`,
  );

  let result: ReturnType<typeof runRounds>;
  try {
    result = runRounds(options, nodes, env);
  } finally {
    fs.rmSync(snapshot, { recursive: true, force: true });
  }
  const { samples, records, crashes, loads } = result;

  const envText =
    options.nodeEnv === undefined
      ? "NODE_ENV unset (the default environment)"
      : `NODE_ENV=${options.nodeEnv}`;
  const heading = describeRun(options, startedAt, source, nodes, envText, loads);
  const lines = judge(options.workloads, nodes, samples);
  const summary = targetSummary(lines);
  const footer = [summary.count, ...summary.missed];
  process.stdout.write(`\n${heading.join("\n")}\n\n${renderText(lines)}\n\n${footer.join("\n")}\n`);
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  process.stdout.write(`Wall time ${seconds.toFixed(0)} s.\n`);

  if (options.json !== undefined) {
    const nodeInfo = nodes.map(({ key, version, bin }) => ({ key, version, bin }));
    const json = {
      command: commandLine(),
      date: startedAt.toISOString(),
      source,
      env: envText,
      nodes: nodeInfo,
      loads,
      samples: records,
    };
    fs.writeFileSync(options.json, `${JSON.stringify(json, null, 1)}\n`);
    log(`bench: samples written to ${options.json}`);
  }
  if (options.markdown !== undefined) {
    writeMarkdown(options.markdown, heading, lines, footer);
    log(`bench: table written into ${options.markdown}`);
  }
  if (options.cpuProf !== undefined) log(`bench: CPU profiles in ${options.cpuProf}`);
  if (crashes.length > 0) {
    log(`bench: ${crashes.length} child process(es) crashed: ${crashes.join(", ")}`);
    process.exitCode = 1;
  }
}

main();
