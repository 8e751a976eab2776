/**
 * How busy the machine is: other processes skew every figure on a 2-core machine, so the
 * harness samples `/proc/stat` before each child and reports the load (Linux only).
 *
 * @module
 */
import * as fs from "node:fs";

/** Above this fraction of all CPUs busy, the machine is not idle. */
export const BUSY_LIMIT = 0.15;

function cpuTimes(): { idle: number; total: number } | undefined {
  try {
    const fields = (fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The fraction (0..1) of all CPUs busy over the next `ms`; NaN where unknown. */
function busyFraction(ms: number): number {
  const a = cpuTimes();
  if (a === undefined) return NaN;
  sleepMs(ms);
  const b = cpuTimes();
  if (b === undefined) return NaN;
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : NaN;
}

/** The load just before a child; with `waitIdle`, first waits (up to 2 min) for it to drop. */
export function loadBeforeChild(waitIdle: boolean, log: (line: string) => void): number {
  let busy = busyFraction(200);
  if (!waitIdle || !(busy > BUSY_LIMIT)) return busy;
  log(`bench: the CPUs are ${(busy * 100).toFixed(0)}% busy; waiting for them to go idle ...`);
  const until = Date.now() + 120_000;
  while (busy > BUSY_LIMIT && Date.now() < until) busy = busyFraction(1000);
  return busy;
}
