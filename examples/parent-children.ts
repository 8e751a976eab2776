// The seed tutorial's "Something actually useful", line for line: a parent spawns two
// children that sleep for 1 and 2 seconds, then joins them. With real time it takes about
// two seconds; pass `--mock` to run it on a MockClock, instantly.
import * as giambio from "giambio";
import { MockClock } from "giambio/testing";

async function child(sleep: number, ident: number): Promise<void> {
  const start = giambio.clock(); // This returns the current time from giambio's perspective
  console.log(`[child ${ident}] Gonna sleep for ${sleep} seconds!`);
  await giambio.sleep(sleep);
  const end = giambio.clock() - start;
  console.log(`[child ${ident}] I woke up! Slept for ${end} seconds`);
}

async function main(): Promise<void> {
  console.log("[parent] Spawning children");
  const task = giambio.spawn(child, 1, 1); // We spawn a child task
  const task2 = giambio.spawn(child, 2, 2); // and why not? another one!
  const start = giambio.clock();
  console.log("[parent] Children spawned, awaiting completion");
  await task.join();
  await task2.join();
  const end = giambio.clock() - start;
  console.log(`[parent] Execution terminated in ${end} seconds`);
}

export async function runExample(mock: boolean): Promise<void> {
  if (mock) await giambio.runWith({ clock: new MockClock({ autojump: true }) }, main);
  else await giambio.run(main); // Start the async context
}

if (require.main === module) {
  runExample(process.argv.includes("--mock")).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
