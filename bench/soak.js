"use strict";
// The churn soak: 1,000,000 tasks spawned, cancelled and finished in waves, then the heap
// after a forced GC compared with the baseline taken before the first wave. A leak of even
// a few bytes per task shows up as megabytes here (Effection 4 leaked in this test,
// thefrontside/effection#1080).
//
//   npm run build && node --expose-gc bench/soak.js [--tasks 1000000] [--wave 10000]
//
// Each wave spawns `wave` tasks in a nursery: a third finish at once, a third sleep and are
// cancelled by the nursery, a third open a cancel scope with a deadline, read its signal
// and time out; every tenth task spawns a grandchild. Prints the heap before, after and
// the difference (target: within 5 % of the baseline).

const path = require("node:path");

const DIST = process.env.GIAMBIO_BENCH_DIST || path.join(__dirname, "..", "dist", "cjs");
const giambio = require(path.join(DIST, "index.js"));

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

function heap() {
  for (let i = 0; i < 4; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

async function wave(n) {
  await giambio.withNursery(async (nursery) => {
    for (let i = 0; i < n; i++) {
      const kind = i % 3;
      nursery.spawn(async () => {
        if (i % 10 === 0) giambio.spawn(() => giambio.sleep(0.001));
        if (kind === 0) return i;
        if (kind === 1) return giambio.sleep(3600); // cancelled below
        return giambio.moveOnAfter(0.002, async () => {
          void giambio.currentSignal().aborted;
          await giambio.sleepForever();
        });
      });
    }
    await giambio.sleep(0.005);
    nursery.cancel();
  });
}

async function main() {
  if (typeof global.gc !== "function") throw new Error("run with --expose-gc");
  const total = arg("--tasks", 1_000_000);
  const size = arg("--wave", 10_000);
  let baseline = 0;
  let after = 0;
  let peak = 0;
  const t0 = performance.now();
  await giambio.runWith({ handleSignals: false, recordSites: false }, async () => {
    for (let i = 0; i < 10; i++) await wave(size); // warm-up: JIT, inline caches, pools
    baseline = heap();
    for (let done = 0; done < total; done += size) {
      await wave(size);
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    after = heap();
  });
  const seconds = (performance.now() - t0) / 1000;
  const growth = (after - baseline) / baseline;
  const mb = (b) => (b / 1024 / 1024).toFixed(2);
  const result = { node: process.version, tasks: total, baseline, after, peak, growth, seconds };
  if (process.argv.includes("--json")) {
    process.stdout.write(JSON.stringify(result) + "\n");
    return;
  }
  console.log(
    `churn soak: ${total.toLocaleString("en")} tasks in waves of ${size} (${process.version}), ${seconds.toFixed(1)} s`,
  );
  console.log(
    `  heap after GC: baseline ${mb(baseline)} MB, after ${mb(after)} MB (${(growth * 100).toFixed(2)} %), ` +
      `peak ${mb(peak)} MB; target within 5 %: ${Math.abs(growth) <= 0.05 ? "met" : "MISSED"}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
