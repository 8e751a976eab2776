/**
 * One sample, in this process only (the harness starts one per workload, variant, Node
 * version and round):
 *
 *   node --expose-gc bench/build/child.js <workload> <variant> <full|smoke> <warmups>
 *
 * Runs the variant `warmups` times, then once more, measured, and prints one JSON line:
 * `{ "metrics": { "ms": 41.2 } }`. Exits non-zero, with the error on stderr, if the
 * variant throws, or if a variant not named `giambio…` loaded giambio.
 *
 * @module
 */
import { giambioLoaded } from "./support/giambio.js";
import { collectGarbage, pause } from "./support/timing.js";
import { findWorkload } from "./workloads/index.js";

/** What a child prints on its last line of stdout. */
export interface ChildOutput {
  readonly metrics: Readonly<Record<string, number>>;
}

async function main(): Promise<void> {
  const [id = "", variant = "", size = "", warmupsText = "0"] = process.argv.slice(2);
  const workload = findWorkload(id);
  if (workload === undefined) throw new Error(`No workload \`${id}\``);
  if (size !== "full" && size !== "smoke") throw new Error(`No size \`${size}\``);
  const warmups = Number(warmupsText);
  for (let i = 0; i < warmups; i++) {
    await workload.run(variant, size);
    collectGarbage();
    await pause(5);
  }
  const metrics = await workload.run(variant, size);
  if (giambioLoaded() && !variant.startsWith("giambio")) {
    throw new Error(`Variant \`${variant}\` loaded giambio: only giambio… variants may`);
  }
  const output: ChildOutput = { metrics };
  // Exit at once: a variant may leave timers behind (a peer's, or a bug's), and the
  // harness waits for the process, not for them.
  process.stdout.write(`${JSON.stringify(output)}\n`, () => process.exit(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
