"use strict";
// The benchmark driver: `npm run bench [-- options]`.
//
//   node bench/run.js [--quick] [--only <workload>[,<workload>...]] [--node 20|24]
//                     [--no-build] [--wait-idle] [--json <file>] [--cpu-prof <dir>]
//
// --quick       fewer repetitions, and only the workloads that targets depend on, plus
//               yieldPolicy (under a minute in all)
// --only        run only these workloads (comma-separated names from WORKLOADS below)
// --node        only Node 20 or only Node 24
// --no-build    do not run `npm run build`; benchmark the dist/cjs that is there
// --wait-idle   before each child, wait (up to 2 minutes) until other processes leave the
//               CPUs idle; without it, the load found is only reported (Linux only)
// --json        also write every sample to this file
// --cpu-prof    run every child with --cpu-prof, writing the profiles under this directory
//
// 1. Runs `npm run build` (skip with --no-build: dist/cjs must then exist), and copies
//    dist/cjs into a temporary directory that every child loads through
//    $GIAMBIO_BENCH_DIST, so a rebuild while the benchmark runs cannot mix two versions.
// 2. For every workload x implementation x Node version, starts
//    `node --expose-gc bench/workloads.js <workload> <impl> --reps R --warmup W` as a child
//    process, one at a time (never in parallel: the reference machine has 2 cores, and two
//    benchmarks at once measure each other), and reads the JSON line it prints.
// 3. Prints one table per workload: each metric's medians on Node 20 and Node 24 side by
//    side, the ratio giambio/raw, the target and whether it is met.
//
// The children inherit the environment, with NODE_ENV defaulting to "production": giambio
// as it runs in production (no operation-site capture, see lib/core/operation.ts);
// `NODE_ENV=development npm run bench` measures development mode.
//
// Node 20 is the node running this script (process.execPath). Node 24 is
// $GIAMBIO_BENCH_NODE24 if set, else whatever `npx -y node@24` installs; if that fails the
// Node 24 columns are skipped with a message. The exit code is non-zero only when a child
// process crashed; a missed target is reported, not an error.
//
// Adding a workload: implement it in bench/workloads.js (one function per implementation,
// returning { metric: number }), then add an entry to WORKLOADS below.

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const WORKLOADS_JS = path.join(__dirname, "workloads.js");

// ---------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------

/** giambio's median must be at most `x` times the baseline's. */
const ratio = (x) => ({ text: `<= ${x}x raw`, met: (r) => r.ratio <= x });
/** giambio's median must be at most `x` (in the row's unit). */
const atMost = (x, unit) => ({ text: `<= ${x} ${unit}`, met: (r) => r.value <= x });

// ---------------------------------------------------------------------------------------
// The table of workloads
// ---------------------------------------------------------------------------------------
//
// name:    the workload's name in bench/workloads.js
// title:   the table's heading
// impls:   the implementations to run (one child process each, per Node version)
// runs:    { full: [reps, warmup], quick: [reps, warmup] }; quick: null leaves the workload
//          out of --quick unless --only names it (for workloads that no target depends on)
// columns: optional headers for the base and value columns (default "raw", "giambio")
// rows:    one per metric shown:
//   label  what it measures
//   unit   of the medians ("ms", "B", "us", "/s")
//   base   [impl, metric]: the baseline (ratio = value / base); null for none
//   value  [impl, metric]: what is judged
//   target optional: a target for every Node version, or { 20: t, 24: t } (a version not
//          listed gets the "default" entry, if any)

const WORKLOADS = [
  {
    name: "spawnJoin",
    title: "spawn + join 100,000 empty tasks",
    impls: ["raw", "giambio"],
    runs: { full: [7, 2], quick: [2, 1] },
    rows: [
      {
        label: "withNursery + 100k nursery.spawn (raw: 100k calls + Promise.all)",
        unit: "ms",
        base: ["raw", "ms"],
        value: ["giambio", "ms"],
        target: { default: ratio(4), 24: ratio(2) },
      },
      {
        label: "100k spawn() then join() each in turn (base: raw Promise.all)",
        unit: "ms",
        base: ["raw", "ms"],
        value: ["giambio", "spawnJoinMs"],
      },
    ],
  },
  {
    name: "parkCancel",
    title: "10,000 tasks sleeping an hour, then cancelled at once",
    impls: ["raw", "giambio"],
    runs: { full: [7, 2], quick: [3, 1] },
    rows: [
      {
        label: "heap per parked task",
        unit: "B",
        base: ["raw", "bytesPerTask"],
        value: ["giambio", "bytesPerTask"],
        target: atMost(1024, "B"),
      },
      {
        label: "cancel all, until every task has ended",
        unit: "ms",
        base: ["raw", "cancelMs"],
        value: ["giambio", "cancelMs"],
        target: atMost(10, "ms"),
      },
    ],
  },
  {
    name: "checkpoints",
    title: "1,000,000 checkpoint() in one task (raw: await undefined)",
    impls: ["raw", "giambio", "giambioNoYield"],
    runs: { full: [7, 2], quick: [3, 1] },
    rows: [
      {
        label: "1M checkpoints",
        unit: "ms",
        base: ["raw", "ms"],
        value: ["giambio", "ms"],
        target: { default: ratio(4), 24: ratio(2) },
      },
      {
        label: "1M checkpoints, yield policy off",
        unit: "ms",
        base: ["raw", "ms"],
        value: ["giambioNoYield", "ms"],
      },
    ],
  },
  {
    name: "timers",
    title: "100,000 sleepers, random 0-10 ms deadlines (raw: one setTimeout each)",
    impls: ["raw", "giambio"],
    runs: { full: [5, 2], quick: [1, 1] },
    rows: [
      {
        label: "until all have woken",
        unit: "ms",
        base: ["raw", "ms"],
        value: ["giambio", "ms"],
        target: ratio(1),
      },
    ],
  },
  {
    name: "failFast",
    title: "1,000 children, one fails",
    impls: ["raw", "giambio"],
    runs: { full: [15, 3], quick: [5, 1] },
    rows: [
      {
        label: "from the throw until all are cancelled and the error reaches the parent",
        unit: "ms",
        base: ["raw", "ms"],
        value: ["giambio", "ms"],
        target: atMost(3, "ms"),
      },
    ],
  },
  {
    name: "yieldPolicy",
    title: "event-loop yield policy: one task spinning on checkpoints for 200 ms",
    impls: ["raw", "giambio", "giambioNoYield"],
    runs: { full: [5, 1], quick: [2, 1] },
    rows: [
      {
        label: "worst setImmediate delay, policy on",
        unit: "ms",
        base: ["raw", "worstImmediate"],
        value: ["giambio", "worstImmediate"],
      },
      {
        label: "worst setImmediate delay, policy off",
        unit: "ms",
        base: ["raw", "worstImmediate"],
        value: ["giambioNoYield", "worstImmediate"],
      },
      {
        label: "worst setTimeout(0) delay, policy on",
        unit: "ms",
        base: ["raw", "worstTimeout"],
        value: ["giambio", "worstTimeout"],
      },
      {
        label: "worst setTimeout(0) delay, policy off",
        unit: "ms",
        base: ["raw", "worstTimeout"],
        value: ["giambioNoYield", "worstTimeout"],
      },
      {
        label: "setTimeout(0) callbacks run during the spin, policy on",
        unit: "",
        base: ["raw", "timeouts"],
        value: ["giambio", "timeouts"],
      },
      {
        label: "checkpoints per second, policy on (higher is better)",
        unit: "/s",
        base: ["raw", "perSec"],
        value: ["giambio", "perSec"],
      },
      {
        label: "checkpoints per second, policy off (higher is better)",
        unit: "/s",
        base: ["raw", "perSec"],
        value: ["giambioNoYield", "perSec"],
      },
    ],
  },
  {
    name: "signals",
    title: "AbortSignals: tasks that never ask for one vs tasks that read currentSignal()",
    impls: ["raw", "giambio"],
    runs: { full: [7, 2], quick: null },
    rows: [
      {
        label: "100k tasks, no signal",
        unit: "ms",
        base: ["raw", "plainMs"],
        value: ["giambio", "plainMs"],
      },
      {
        label: "100k tasks reading currentSignal() (raw: new AbortController each)",
        unit: "ms",
        base: ["raw", "signalMs"],
        value: ["giambio", "signalMs"],
      },
      {
        label: "extra per task for its signal",
        unit: "us",
        base: ["raw", "extraUsPerTask"],
        value: ["giambio", "extraUsPerTask"],
      },
      {
        label: "heap per parked task with a signal listener (10k)",
        unit: "B",
        base: ["raw", "parkedBytesPerTask"],
        value: ["giambio", "parkedBytesPerTask"],
      },
      {
        label: "cancel those 10k (every signal aborts)",
        unit: "ms",
        base: ["raw", "parkedCancelMs"],
        value: ["giambio", "parkedCancelMs"],
      },
    ],
  },
  {
    name: "sharedSignal",
    title: "10,000 tasks start listening for an abort, without giambio",
    impls: ["raw"],
    runs: { full: [5, 1], quick: null },
    columns: ["own signal each", "one shared"],
    rows: [
      {
        label: "time to add the 10k listeners",
        unit: "ms",
        base: ["raw", "ownMs"],
        value: ["raw", "sharedMs"],
      },
    ],
  },
  {
    name: "als",
    title:
      "what AsyncLocalStorage costs, without giambio (base: ALS never used; value: after one als.run)",
    impls: ["raw", "als"],
    runs: { full: [7, 2], quick: null },
    columns: ["no ALS", "ALS"],
    rows: [
      {
        label: "100k async calls + Promise.all",
        unit: "ms",
        base: ["raw", "tasksMs"],
        value: ["als", "tasksMs"],
      },
      {
        label: "100k async calls, each in its own als.run",
        unit: "ms",
        base: ["raw", "tasksMs"],
        value: ["als", "runTasksMs"],
      },
      {
        label: "1M await undefined",
        unit: "ms",
        base: ["raw", "loopMs"],
        value: ["als", "loopMs"],
      },
    ],
  },
  {
    name: "tracing",
    title: "100,000 empty tasks with spawn traces or an instrument (base: neither)",
    impls: ["giambio", "traced", "instrumented"],
    runs: { full: [3, 1], quick: null },
    columns: ["plain", "with"],
    rows: [
      {
        label: "runWith({ traceSpawns: true })",
        unit: "ms",
        base: ["giambio", "ms"],
        value: ["traced", "ms"],
      },
      {
        label: "one instrument, every hook a no-op",
        unit: "ms",
        base: ["giambio", "ms"],
        value: ["instrumented", "ms"],
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {
    quick: false,
    only: null,
    node: null,
    build: true,
    waitIdle: false,
    json: null,
    cpuProf: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") opts.quick = true;
    else if (a === "--only") opts.only = value().split(",");
    else if (a === "--node") opts.node = value();
    else if (a === "--no-build") opts.build = false;
    else if (a === "--wait-idle") opts.waitIdle = true;
    else if (a === "--json") opts.json = path.resolve(value());
    else if (a === "--cpu-prof") opts.cpuProf = path.resolve(value());
    else if (a === "--help" || a === "-h") usage();
    else usage(`unknown option ${a}`);
  }
  if (opts.node !== null && opts.node !== "20" && opts.node !== "24") {
    usage(`--node takes 20 or 24, got ${opts.node}`);
  }
  if (opts.only !== null) {
    for (const name of opts.only) {
      if (!WORKLOADS.some((w) => w.name === name)) usage(`no workload named ${name}`);
    }
  }
  return opts;
}

function usage(error) {
  const text =
    "usage: node bench/run.js [--quick] [--only <workload>[,...]] [--node 20|24]\n" +
    "                         [--no-build] [--wait-idle] [--json <file>] [--cpu-prof <dir>]\n" +
    `workloads: ${WORKLOADS.map((w) => w.name).join(", ")}\n`;
  if (error !== undefined) {
    process.stderr.write(`bench: ${error}\n${text}`);
    process.exit(2);
  }
  process.stdout.write(text);
  process.exit(0);
}

const log = (line) => process.stderr.write(`${line}\n`);

// ---------------------------------------------------------------------------------------
// Preparing: build, snapshot, Node binaries
// ---------------------------------------------------------------------------------------

function buildAndSnapshot(build) {
  if (build) {
    log("bench: npm run build");
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const r = spawnSync(npm, ["run", "build"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (r.status !== 0) {
      log(`bench: npm run build failed (${r.error ? r.error.message : `exit ${r.status}`})`);
      process.exit(1);
    }
  }
  const dist = path.join(ROOT, "dist", "cjs");
  if (!fs.existsSync(path.join(dist, "index.js"))) {
    log("bench: dist/cjs/index.js does not exist: run `npm run build` (or drop --no-build)");
    process.exit(1);
  }
  const snapshot = fs.mkdtempSync(path.join(os.tmpdir(), "giambio-bench-"));
  fs.cpSync(dist, snapshot, { recursive: true });
  return snapshot;
}

/** `{ bin, version }` of a Node binary, or null if it cannot run. */
function probeNode(bin) {
  const r = spawnSync(bin, ["-p", "process.version"], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) return null;
  return { bin, version: r.stdout.trim() };
}

function findNode24() {
  const fromEnv = process.env.GIAMBIO_BENCH_NODE24;
  if (fromEnv) {
    const probe = probeNode(fromEnv);
    if (probe !== null && probe.version.startsWith("v24.")) return { probe };
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
    const detail = r.error ? r.error.message : (r.stderr || "").trim().split("\n").pop();
    return { why: `npx -y node@24 failed: ${detail || `exit ${r.status}`}` };
  }
  const bin = r.stdout.trim().split("\n").pop();
  const probe = probeNode(bin);
  if (probe === null || !probe.version.startsWith("v24.")) {
    return { why: `npx -y node@24 gave ${bin}, which is not a working Node 24` };
  }
  return { probe };
}

/** Which commit the library was built from, and whether lib/ differs from it. */
function provenance() {
  const git = (args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  const head = git(["rev-parse", "--short", "HEAD"]);
  if (head.status !== 0) return "not a git checkout";
  const dirty = git(["status", "--porcelain", "--", "lib"]).stdout.trim() !== "";
  return `commit ${head.stdout.trim()}${dirty ? " + uncommitted changes in lib/" : ""}`;
}

// ---------------------------------------------------------------------------------------
// How busy the machine is (other processes skew every number on a 2-core machine)
// ---------------------------------------------------------------------------------------

function cpuTimes() {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0];
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] || 0);
    return { idle, total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}

const sleepMs = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The fraction (0..1) of all CPUs busy over the next `ms`, or NaN where unknown. */
function busyFraction(ms) {
  const a = cpuTimes();
  if (a === null) return NaN;
  sleepMs(ms);
  const b = cpuTimes();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : NaN;
}

const BUSY_LIMIT = 0.15;

/** Samples the load before a child; with --wait-idle, waits for it to drop first. */
function loadBeforeChild(waitIdle) {
  let busy = busyFraction(300);
  if (!waitIdle || !(busy > BUSY_LIMIT)) return busy;
  const until = Date.now() + 120_000;
  log(`bench: the CPUs are ${(busy * 100).toFixed(0)}% busy; waiting for them to go idle ...`);
  while (busy > BUSY_LIMIT && Date.now() < until) busy = busyFraction(1000);
  return busy;
}

// ---------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------

function median(samples) {
  if (!samples || samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs one child; returns { metrics } or { error }. */
function runChild(node, workload, impl, reps, warmup, env, cpuProf) {
  const args = ["--expose-gc"];
  if (cpuProf !== null) {
    const dir = path.join(cpuProf, `${node.key}-${workload}-${impl}`);
    fs.mkdirSync(dir, { recursive: true });
    args.push("--cpu-prof", "--cpu-prof-dir", dir);
  }
  args.push(WORKLOADS_JS, workload, impl, "--reps", String(reps), "--warmup", String(warmup));
  const t0 = Date.now();
  const r = spawnSync(node.bin, args, {
    cwd: ROOT,
    env,
    encoding: "utf8",
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    const why = r.error
      ? r.error.message
      : r.signal
        ? `killed by ${r.signal}`
        : `exit code ${r.status}`;
    return { error: `${why}\n${(r.stderr || "").trim()}`, seconds };
  }
  const line = r.stdout.trim().split("\n").pop();
  try {
    return { metrics: JSON.parse(line).metrics, seconds };
  } catch {
    return { error: `unreadable output: ${JSON.stringify(line)}`, seconds };
  }
}

// ---------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------

function fmt(value, unit) {
  if (value === undefined || Number.isNaN(value)) return "-";
  if (unit === "/s") return `${(value / 1e6).toFixed(2)}M`;
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return value.toFixed(digits);
}

function targetFor(row, major) {
  const t = row.target;
  if (t === undefined) return undefined;
  if (typeof t.met === "function") return t;
  return t[major] ?? t.default;
}

/** The cells of one row for one Node version. */
function judge(row, results) {
  const value = median(results?.[row.value[0]]?.[row.value[1]]);
  const base = row.base === null ? NaN : median(results?.[row.base[0]]?.[row.base[1]]);
  const r = { value, base, ratio: value / base };
  return r;
}

function printTable(workload, nodes, results) {
  const [baseName, valueName] = workload.columns ?? ["raw", "giambio"];
  const header = ["metric"];
  for (const node of nodes) {
    header.push(
      `${node.label} ${baseName}`,
      `${node.label} ${valueName}`,
      `${node.label} ratio`,
      `${node.label} target`,
      `${node.label} met`,
    );
  }
  const lines = [header];
  const summary = [];
  for (const row of workload.rows) {
    const cells = [row.unit ? `${row.label} (${row.unit})` : row.label];
    for (const node of nodes) {
      const r = judge(row, results[node.key]?.[workload.name]);
      const target = targetFor(row, node.major);
      let met = "";
      if (target !== undefined) {
        met = Number.isNaN(r.value) ? "?" : target.met(r) ? "yes" : "NO";
        summary.push({ node: node.label, workload: workload.name, row: row.label, target, r, met });
      }
      cells.push(
        row.base === null ? "" : fmt(r.base, row.unit),
        fmt(r.value, row.unit),
        Number.isFinite(r.ratio) ? `${r.ratio.toFixed(2)}x` : "-",
        target === undefined ? "" : target.text,
        met,
      );
    }
    lines.push(cells);
  }
  const widths = header.map((_, i) => Math.max(...lines.map((l) => String(l[i]).length)));
  const out = lines.map((l) =>
    l
      .map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i])))
      .join("  "),
  );
  out.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  process.stdout.write(`\n== ${workload.name}: ${workload.title}\n${out.join("\n")}\n`);
  return summary;
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const startedAt = Date.now();
  const workloads = WORKLOADS.filter((w) =>
    opts.only !== null ? opts.only.includes(w.name) : !opts.quick || w.runs.quick !== null,
  );

  const nodes = [];
  if (opts.node === null || opts.node === "20") {
    const probe = probeNode(process.execPath);
    if (!probe.version.startsWith("v20.")) {
      log(`bench: note: the "Node 20" column runs ${process.execPath}, which is ${probe.version}`);
    }
    nodes.push({ key: "20", label: "N20", major: probe.version.slice(1).split(".")[0], ...probe });
  }
  if (opts.node === null || opts.node === "24") {
    const found = findNode24();
    if (found.probe) {
      nodes.push({ key: "24", label: "N24", major: "24", ...found.probe });
    } else {
      log(`bench: SKIPPING Node 24: ${found.why}`);
      if (opts.node === "24") process.exit(1);
    }
  }

  const snapshot = buildAndSnapshot(opts.build);
  // Production mode unless told otherwise: the targets are about giambio as it runs in
  // production, without the per-operation site capture of development mode
  // (`NODE_ENV=development npm run bench` measures that).
  const env = {
    ...process.env,
    NODE_ENV: process.env.NODE_ENV ?? "production",
    GIAMBIO_BENCH_DIST: snapshot,
  };
  delete env.NODE_OPTIONS;

  log(
    `bench: ${nodes.map((n) => `${n.label}=${n.version} (${n.bin})`).join(", ")}; ` +
      `${opts.quick ? "quick" : "full"} run; dist snapshot ${snapshot}`,
  );

  const lib = provenance();
  const results = {};
  const crashes = [];
  const busy = [];
  try {
    for (const node of nodes) {
      for (const w of workloads) {
        const [reps, warmup] = (opts.quick && w.runs.quick) || w.runs.full;
        for (const impl of w.impls) {
          busy.push(loadBeforeChild(opts.waitIdle));
          const r = runChild(node, w.name, impl, reps, warmup, env, opts.cpuProf);
          if (r.error !== undefined) {
            log(`bench: ${node.label} ${w.name} ${impl}: CRASHED after ${r.seconds} s: ${r.error}`);
            crashes.push(`${node.label} ${w.name} ${impl}`);
            continue;
          }
          log(
            `bench: ${node.label} ${w.name} ${impl} (${reps} reps + ${warmup} warmup): ${r.seconds} s`,
          );
          ((results[node.key] ??= {})[w.name] ??= {})[impl] = r.metrics;
        }
      }
    }
  } finally {
    fs.rmSync(snapshot, { recursive: true, force: true });
  }

  process.stdout.write(
    `giambio benchmarks: ${nodes.map((n) => `${n.label} = ${n.version}`).join(", ")}; ` +
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}); ` +
      `${opts.quick ? "--quick" : "full"} run; medians of each child's reps\n` +
      `library: dist/cjs built from ${lib}; ` +
      `NODE_ENV=${env.NODE_ENV} in every child` +
      (env.NODE_ENV === "production" ? "\n" : " (giambio records operation sites)\n"),
  );
  const known = busy.filter((b) => !Number.isNaN(b));
  if (known.length > 0) {
    const worst = Math.max(...known);
    process.stdout.write(
      `machine: other processes kept the CPUs ${(median(known) * 100).toFixed(0)}% busy ` +
        `(median; worst ${(worst * 100).toFixed(0)}%) just before each child started` +
        (worst > BUSY_LIMIT
          ? ": expect noise (rerun with --wait-idle on a quiet machine)\n"
          : "\n"),
    );
  }
  const summary = [];
  for (const w of workloads) summary.push(...printTable(w, nodes, results));

  process.stdout.write("\n== targets\n");
  for (const s of summary) {
    const how = Number.isNaN(s.r.value)
      ? "no data"
      : `giambio ${fmt(s.r.value, "")}, ${Number.isFinite(s.r.ratio) ? `${s.r.ratio.toFixed(2)}x raw` : ""}`;
    process.stdout.write(
      `${s.met === "yes" ? "met   " : s.met === "NO" ? "MISSED" : "?     "} ${s.node} ${s.workload}: ${s.row} (${s.target.text}): ${how}\n`,
    );
  }
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(0);
  process.stdout.write(`\nwall time ${seconds} s\n`);

  if (opts.json !== null) {
    const nodeInfo = nodes.map(({ key, version, bin }) => ({ key, version, bin }));
    fs.writeFileSync(
      opts.json,
      JSON.stringify({ quick: opts.quick, lib, nodes: nodeInfo, busy, results }, null, 1) + "\n",
    );
    log(`bench: samples written to ${opts.json}`);
  }
  if (opts.cpuProf !== null) log(`bench: CPU profiles in ${opts.cpuProf}`);
  if (crashes.length > 0) {
    log(`bench: ${crashes.length} child process(es) crashed: ${crashes.join(", ")}`);
    process.exit(1);
  }
}

main();
