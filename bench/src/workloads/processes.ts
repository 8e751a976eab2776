/**
 * Subprocesses: giambio's `runProcess` beside execa and Node's own `child_process.spawn`.
 *
 * - 200 runs of `true`, one after another: total time (target ≤ 1.1× raw spawn). Every
 *   variant connects the child's streams as `runProcess` does by default (stdin from
 *   /dev/null, stdout and stderr inherited), so that all do the same work: `inherit` costs
 *   about 5% more than `ignore` on this machine.
 * - Cancel latency: a `sleep 100` child, from the scope's cancel to the caller resuming
 *   once the child has exited and been reaped (target ≤ 20 ms).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { loadGiambio } from "../support/giambio.js";
import { now } from "../support/timing.js";
import { atMost, defineWorkload, ratioAtMost } from "../workload.js";

interface Size {
  readonly runs: number;
}

/** runProcess's default: no input, the output goes where ours goes. */
const STDIO: ["ignore", "inherit", "inherit"] = ["ignore", "inherit", "inherit"];

function spawnTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("true", [], { stdio: STDIO });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`true exited with ${code}`)),
    );
  });
}

export const processes = defineWorkload({
  id: "processes",
  title: "runProcess beside execa and child_process.spawn: 200 runs of true, cancel latency",
  quick: true,
  maxWarmups: 1,
  sizes: { full: { runs: 200 }, smoke: { runs: 5 } },
  variants: {
    async raw(size: Size) {
      const t0 = now();
      for (let i = 0; i < size.runs; i++) await spawnTrue();
      return { ms: now() - t0 };
    },

    async execa(size: Size) {
      const { execa } = await import("execa");
      const t0 = now();
      for (let i = 0; i < size.runs; i++) await execa("true", [], { stdio: STDIO });
      return { ms: now() - t0 };
    },

    async giambioProcess(size: Size) {
      const giambio = loadGiambio();
      return giambio.run(async () => {
        const t0 = now();
        for (let i = 0; i < size.runs; i++) await giambio.runProcess(["true"]);
        const ms = now() - t0;
        let cancelledAt = 0;
        await giambio.withCancelScope(async (scope) => {
          giambio.spawn(async () => {
            await giambio.sleep(0.05); // let the child start
            cancelledAt = now();
            scope.cancel();
          });
          await giambio.runProcess(["sleep", "100"]);
        });
        return { ms, cancelMs: now() - cancelledAt };
      });
    },
  },
  rows: [
    {
      label: "200 runs of `true`, one after another",
      unit: "ms",
      metric: "ms",
      baseline: "raw",
      baselineName: "spawn",
      giambio: "giambioProcess",
      target: ratioAtMost(1.1),
    },
    {
      label: "200 runs of `true`, against execa",
      unit: "ms",
      metric: "ms",
      baseline: "execa",
      baselineName: "execa",
      giambio: "giambioProcess",
    },
    {
      label: "cancel a `sleep 100` child: to the caller resuming, child reaped",
      unit: "ms",
      metric: "cancelMs",
      giambio: "giambioProcess",
      target: atMost(20, "ms"),
    },
  ],
});
