// Hashes every file of a directory on all cores: one runInWorker call per file, at most
// one per core at once (the run's currentWorkerLimiter()). Prints lines like `sha256sum`.
// Ctrl-C cancels the run: the workers see it through checkCancelled() (or are terminated
// after the grace), and the program exits with status 130 once every thread is gone.
//
//   npm run build && npx tsc -p tsconfig.examples.json
//   node build/examples/hash-files.js <directory> [--stretch ROUNDS]
import * as fs from "node:fs";
import * as path from "node:path";
import * as giambio from "giambio";

/** The worker module: hash-worker.ts from the sources, hash-worker.js once built. */
const WORKER = path.join(__dirname, `hash-worker${path.extname(__filename)}`);
type HashWorker = typeof import("./hash-worker");

/** Hashes the files of `dir` (not its subdirectories), in name order. */
export async function hashDirectory(dir: string, rounds = 1): Promise<[string, string][]> {
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
  const digests = new Map<string, string>();
  await giambio.withNursery(async (nursery) => {
    for (const name of names) {
      nursery.spawn(async () => {
        const file = path.join(dir, name);
        const digest = await giambio.runInWorker<HashWorker, "hashFile">(WORKER, "hashFile", [
          file,
          rounds,
        ]);
        digests.set(name, digest);
      });
    }
  });
  return names.map((name) => [name, digests.get(name) ?? ""]);
}

async function main(dir: string, rounds: number): Promise<void> {
  const cores = giambio.currentWorkerLimiter().totalTokens;
  console.log(`hashing the files of ${dir} on ${cores} cores`);
  for (const [name, digest] of await hashDirectory(dir, rounds)) {
    console.log(`${digest}  ${name}`);
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const stretch = args.indexOf("--stretch");
  const rounds = stretch >= 0 ? Number(args.splice(stretch, 2)[1]) : 1;
  const dir = args[0] ?? ".";
  giambio.run(main, dir, rounds).catch((err: unknown) => {
    if (err instanceof giambio.KeyboardInterrupt) {
      console.error("interrupted");
      process.exitCode = 130;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  });
}
